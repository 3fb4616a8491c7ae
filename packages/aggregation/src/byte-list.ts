/** The first storage: from Buffer's shared pool (it is under half of Buffer.poolSize). */
const FIRST_CAPACITY = 1024;
const EMPTY = Buffer.alloc(0);

/**
 * A growable run of bytes, written in place and truncated by the builder's removeLast. The
 * aggregated record's parts (each key table, the records) are written as the records are added,
 * while their bytes are still in the cache, so that encode() only has to join them.
 */
export class ByteList {
  bytes: Buffer = EMPTY;
  length = 0;

  /** Makes room for `n` more bytes and returns where they start (write them, then `length += n`). */
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) this.grow(at + n);
    return at;
  }

  truncate(length: number): void {
    this.length = length;
  }

  /** Copies the bytes into `out` at `pos`; returns the position after them. */
  copyTo(out: Buffer, pos: number): number {
    if (this.length > 0) this.bytes.copy(out, pos, 0, this.length);
    return pos + this.length;
  }

  private grow(needed: number): void {
    let capacity = Math.max(FIRST_CAPACITY, this.bytes.length * 2);
    while (capacity < needed) capacity *= 2;
    const bigger = Buffer.allocUnsafe(capacity);
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }
}
