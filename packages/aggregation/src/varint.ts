// Protobuf base-128 varints for the non-negative integers the aggregated format carries
// (lengths and table indices), kept in plain numbers: all of them stay far below 2^32.

/** Bytes a non-negative integer below 2^35 takes as a varint. */
export function varintLength(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Writes `n` (below 2^32) at `pos` and returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}
