// TLS as the producer's options set it: certificate verification, and CAs trusted in addition to
// the system's roots (the KPL's caCertPath, a bundle file or a directory of PEM files).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

/** A transport setting that cannot be used (an unreadable caCertPath, for one). */
export class TransportSettingsError extends Error {
  override name = 'TransportSettingsError';
}

export interface TlsOptions {
  rejectUnauthorized: boolean;
  /** The bundled roots plus the user's CAs; undefined leaves Node's defaults alone. */
  ca?: string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates at a path: one file (a bundle), or every file of a directory (as the KPL's
 * CA directory, whatever the file names). Throws TransportSettingsError when there is none to read.
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
    throw new TransportSettingsError(
      `caCertPath ${path} cannot be read: ${(err as Error).message}`,
    );
  }
  const certs: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'latin1');
    } catch (err) {
      throw new TransportSettingsError(`caCertPath ${f} cannot be read: ${(err as Error).message}`);
    }
    for (const m of text.matchAll(PEM_CERTIFICATE)) certs.push(m[0]);
  }
  if (certs.length === 0) {
    throw new TransportSettingsError(`caCertPath ${path} holds no PEM certificate`);
  }
  return certs;
}

export function tlsOptions(s: { verifyCertificate: boolean; caCertPath?: string }): TlsOptions {
  if (!s.caCertPath) return { rejectUnauthorized: s.verifyCertificate };
  // Node's `ca` replaces the roots, NODE_EXTRA_CA_CERTS included; the option promises extra
  // trust, not less, so both are put back.
  const ca = [...rootCertificates, ...extraCaCertificates(), ...readCaCertificates(s.caCertPath)];
  return { rejectUnauthorized: s.verifyCertificate, ca };
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
