// One undici dispatcher per service origin, connecting as the producer's options say: TLS
// settings and the optional proxy in one place, so that every client of the producer (PutRecords,
// the SDK's control-plane calls, the schema registry's Glue calls) connects the same way.
import { Agent, type Dispatcher, Pool, ProxyAgent } from 'undici';
import { type TlsOptions, tlsOptions } from './tls.js';

/** The options that decide how a connection is made (names and meanings are the KPL's). */
export interface TransportSettings {
  verifyCertificate: boolean;
  /** Extra trusted CAs: a PEM bundle or a directory of PEM files. */
  caCertPath?: string;
  /** Empty or undefined: no proxy. */
  proxyHost?: string;
  proxyPort: number;
  proxyUserName?: string;
  proxyPassword?: string;
  maxConnections: number;
  /** Milliseconds. */
  connectTimeout: number;
}

/**
 * A keep-alive dispatcher, through the configured proxy if any: for one service origin when `url`
 * names it, else for whatever origins the caller's requests name (an SDK client that resolves
 * its own endpoint).
 */
export function createDispatcher(
  s: TransportSettings,
  url?: URL,
  tls: TlsOptions = tlsOptions(s),
): Dispatcher {
  if (s.proxyHost) {
    const token = s.proxyUserName
      ? `Basic ${Buffer.from(`${s.proxyUserName}:${s.proxyPassword ?? ''}`).toString('base64')}`
      : undefined;
    return new ProxyAgent({
      uri: `http://${s.proxyHost}:${s.proxyPort}`,
      token,
      // connectTimeout bounds the connection to the proxy and the TLS handshake through it.
      proxyTls: { timeout: s.connectTimeout },
      requestTls: { ...tls, timeout: s.connectTimeout },
      connections: s.maxConnections,
      // https goes through a CONNECT tunnel; plain http is forwarded, as curl and browsers do.
      proxyTunnel: false,
    });
  }
  const common = {
    connections: s.maxConnections,
    connect: { timeout: s.connectTimeout, ...tls },
    keepAliveTimeout: 60_000,
  };
  if (url && (url.protocol === 'https:' || url.protocol === 'http:')) {
    return new Pool(url.origin, common);
  }
  return new Agent(common);
}
