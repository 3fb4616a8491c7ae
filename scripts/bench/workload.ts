// The records every client sends: 16-character partition keys, either drawn at random from a
// pool of 65,536 (many devices or users, each key recurring) or fresh for every record (a random
// id per record, the most common choice), and payloads of a fixed size cut from random bytes,
// each record's in a Buffer of its own, as an application that serializes each event makes one.
// Drawing is cheap so the load generator costs the same for every client.
import { randomBytes } from 'node:crypto';

export const KEY_POOL = 65_536;
export const KEY_LENGTH = 16;

/** Where partition keys come from: a recurring pool, or a fresh random key per record. */
export type KeyMode = 'pool' | 'random';

const HEX_DIGITS = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

export class Workload {
  private readonly keys: string[];
  private readonly payloads: Buffer[];
  private seed = 0x9e3779b9;
  private p = 0;

  constructor(
    readonly recordSize: number,
    readonly keyMode: KeyMode = 'pool',
  ) {
    this.keys =
      keyMode === 'pool'
        ? Array.from({ length: KEY_POOL }, () => randomBytes(KEY_LENGTH / 2).toString('hex'))
        : [];
    // The bytes each record's Buffer is copied from.
    this.payloads = Array.from({ length: 256 }, () => randomBytes(recordSize));
  }

  key(): string {
    if (this.keyMode === 'random') return this.freshKey();
    return this.keys[this.next() & (KEY_POOL - 1)]!;
  }

  /**
   * A new Buffer for every record: a client that keeps the caller's Buffer until the record's
   * result (the garbage collector then copies or promotes it) pays for that as it would in an
   * application, which a few reused Buffers would hide.
   */
  data(): Buffer {
    this.p = (this.p + 1) & 255;
    return Buffer.from(this.payloads[this.p]!);
  }

  /** xorshift32: a uniform pick without Math.random's cost. */
  private next(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  /**
   * Two draws as 16 hex digits, built as one flat string. The generator's state only comes back
   * after 2^32 − 1 draws, so no key repeats within a run; the cost is the same for every client.
   */
  private freshKey(): string {
    const a = this.next();
    const b = this.next();
    const h = HEX_DIGITS;
    return String.fromCharCode(
      h[a >>> 28]!,
      h[(a >>> 24) & 15]!,
      h[(a >>> 20) & 15]!,
      h[(a >>> 16) & 15]!,
      h[(a >>> 12) & 15]!,
      h[(a >>> 8) & 15]!,
      h[(a >>> 4) & 15]!,
      h[a & 15]!,
      h[b >>> 28]!,
      h[(b >>> 24) & 15]!,
      h[(b >>> 20) & 15]!,
      h[(b >>> 16) & 15]!,
      h[(b >>> 12) & 15]!,
      h[(b >>> 8) & 15]!,
      h[(b >>> 4) & 15]!,
      h[b & 15]!,
    );
  }
}
