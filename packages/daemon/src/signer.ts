// SigV4 for the daemon's hand-built requests, hashing with node:crypto.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialsHolder } from './credentials-holder.js';

type Source = string | ArrayBuffer | ArrayBufferView;

class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: Source) {
    this.h = this.fresh();
  }
  update(data: Source): void {
    this.h.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret ? createHmac('sha256', toBytes(this.secret)) : createHash('sha256');
  }
}

function toBytes(d: Source): string | Uint8Array {
  if (typeof d === 'string') return d;
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export function createSigner(service: string, region: string, creds: CredentialsHolder) {
  return new SignatureV4({
    service,
    region,
    credentials: () => creds.get(),
    sha256: NodeSha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
}

export type Signer = ReturnType<typeof createSigner>;
