// How the daemon reaches a service: TLS settings (verification, extra CAs) and the optional
// proxy, in one place, so PutRecords and the SDK's control-plane calls connect the same way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, Pool, ProxyAgent } from 'undici';
import { ConfigError, type DaemonConfig } from './config.js';

export interface TlsOptions {
  rejectUnauthorized: boolean;
  /** The bundled roots plus the user's CAs; undefined leaves Node's defaults alone. */
  ca?: string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates at a path: one file (a bundle), or every file of a directory (as the KPL's
 * CA directory, whatever the file names). Throws ConfigError when there is none to read.
 */
export function readCaCertificates(path: string): string[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .sort()
          .map((f) => join(path, f))
          .filter((f) => statSync(f).isFile())
      : [path];
  } catch (err) {
    throw new ConfigError(`caCertPath ${path} cannot be read: ${(err as Error).message}`);
  }
  const certs: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'latin1');
    } catch (err) {
      throw new ConfigError(`caCertPath ${f} cannot be read: ${(err as Error).message}`);
    }
    for (const m of text.matchAll(PEM_CERTIFICATE)) certs.push(m[0]);
  }
  if (certs.length === 0) {
    throw new ConfigError(`caCertPath ${path} holds no PEM certificate`);
  }
  return certs;
}

export function tlsOptions(c: DaemonConfig): TlsOptions {
  if (!c.caCertPath) return { rejectUnauthorized: c.verifyCertificate };
  // Node's `ca` replaces the roots, NODE_EXTRA_CA_CERTS included; the option promises extra
  // trust, not less, so both are put back.
  const ca = [...rootCertificates, ...extraCaCertificates(), ...readCaCertificates(c.caCertPath)];
  return { rejectUnauthorized: c.verifyCertificate, ca };
}

function extraCaCertificates(): string[] {
  const path = process.env.NODE_EXTRA_CA_CERTS;
  if (!path) return [];
  try {
    return [...readFileSync(path, 'latin1').matchAll(PEM_CERTIFICATE)].map((m) => m[0]);
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    return [];
  }
}

/** A keep-alive dispatcher for one service origin, through the configured proxy if any. */
export function createDispatcher(c: DaemonConfig, url: URL, tls = tlsOptions(c)): Dispatcher {
  if (c.proxyHost) {
    const token = c.proxyUserName
      ? `Basic ${Buffer.from(`${c.proxyUserName}:${c.proxyPassword}`).toString('base64')}`
      : undefined;
    return new ProxyAgent({
      uri: `http://${c.proxyHost}:${c.proxyPort}`,
      token,
      requestTls: tls,
      connections: c.maxConnections,
      // https goes through a CONNECT tunnel; plain http is forwarded, as curl and browsers do.
      proxyTunnel: false,
    });
  }
  const common = {
    connections: c.maxConnections,
    connect: { timeout: c.connectTimeout, ...tls },
    keepAliveTimeout: 60_000,
  };
  if (url.protocol === 'https:' || url.protocol === 'http:') return new Pool(url.origin, common);
  return new Agent(common);
}
