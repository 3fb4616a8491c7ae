export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { createDispatcher, type TransportSettings } from './dispatcher.js';
export { createSdkHttpHandler } from './sdk-http-handler.js';
export { readCaCertificates, type TlsOptions, TransportSettingsError, tlsOptions } from './tls.js';
