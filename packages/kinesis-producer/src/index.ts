export type {
  CredentialIdentity,
  CredentialsOption,
  CredentialsProvider,
} from './credentials.js';
export {
  BufferFullError,
  DaemonExitedError,
  InvalidOptionError,
  KinesisProducerError,
  ProducerDestroyedError,
  ProtocolError,
  UserRecordFailedError,
  ValidationError,
} from './errors.js';
export type { Metric, MetricsObserverOptions, MetricsSnapshot } from './metrics.js';
export type { KinesisProducerOptions, Logger } from './options.js';
export { KinesisProducer } from './producer.js';
export {
  loadPropertiesFile,
  optionsFromProperties,
  type PropertiesOptions,
  parseProperties,
} from './properties.js';
export type { Attempt, UserRecord, UserRecordResult } from './types.js';
