// The records every client sends: 16-character partition keys drawn at random from a pool of
// 65,536 (many devices or users, each key recurring), and payloads of a fixed size cut from
// random bytes. Drawing is cheap so the load generator costs the same for every client.
import { randomBytes } from 'node:crypto';

export const KEY_POOL = 65_536;
export const KEY_LENGTH = 16;

export class Workload {
  private readonly keys: string[];
  private readonly payloads: Buffer[];
  private seed = 0x9e3779b9;
  private p = 0;

  constructor(readonly recordSize: number) {
    this.keys = Array.from({ length: KEY_POOL }, () => randomBytes(KEY_LENGTH / 2).toString('hex'));
    // Distinct payload buffers, as a user's records would be.
    this.payloads = Array.from({ length: 256 }, () => randomBytes(recordSize));
  }

  key(): string {
    // xorshift32: a uniform pick without Math.random's cost.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.keys[this.seed & (KEY_POOL - 1)]!;
  }

  data(): Buffer {
    this.p = (this.p + 1) & 255;
    return this.payloads[this.p]!;
  }
}
