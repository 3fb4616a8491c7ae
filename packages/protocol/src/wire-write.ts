/** Buffer methods Node has on every Buffer but @types/node does not declare. */
export interface FastBuffer extends Buffer {
  latin1Write(text: string, offset: number, length?: number): number;
  utf8Write(text: string, offset: number, length?: number): number;
  utf8Slice(start: number, end: number): string;
}

/** Bytes of `n` as a protobuf varint; `n` is a non-negative safe integer. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 0x800000000) return 5;
  if (n < 0x40000000000) return 6;
  if (n < 0x2000000000000) return 7;
  return 8; // 2^53 - 1 needs 8 bytes of 7 bits
}

/** Writes `n` (a non-negative safe integer) as a varint; returns the offset after it. */
export function writeVarint(buf: Buffer, offset: number, n: number): number {
  let o = offset;
  // Bit operators work on 32 bits, so the high part goes by arithmetic.
  while (n > 0x7fffffff) {
    buf[o++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  while (n > 0x7f) {
    buf[o++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[o++] = n;
  return o;
}

/** Size of a length-delimited field with a one-byte tag and `length` bytes of content. */
export function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/**
 * Strings up to this many UTF-16 units are measured and written by a JS loop: partition keys and
 * stream names are mostly short ASCII, and for them one native call (Buffer.byteLength,
 * latin1Write) costs more than the loop. Longer strings go to the native calls, which win there.
 */
const SHORT_STRING = 64;

/** UTF-8 length of `text`, as Buffer.byteLength gives it (lone surrogates count 3, as U+FFFD). */
export function utf8Length(text: string): number {
  const n = text.length;
  if (n <= SHORT_STRING) {
    let bits = 0;
    for (let i = 0; i < n; i++) bits |= text.charCodeAt(i);
    if (bits < 0x80) return n;
  }
  return Buffer.byteLength(text);
}

/**
 * Writes a string whose UTF-8 length the caller already measured (utf8Length). A length equal to
 * the UTF-16 length means pure ASCII, because every other code unit takes more than one byte;
 * each unit is then its byte, written by a loop when short or by latin1 otherwise. Lone
 * surrogates become U+FFFD, as TextEncoder (and so protobuf-es) makes them.
 */
export function writeString(buf: Buffer, offset: number, text: string, byteLength: number): number {
  if (byteLength === text.length) {
    if (byteLength <= SHORT_STRING) {
      for (let i = 0; i < byteLength; i++) buf[offset + i] = text.charCodeAt(i);
    } else (buf as FastBuffer).latin1Write(text, offset, byteLength);
  } else (buf as FastBuffer).utf8Write(text, offset, byteLength);
  return offset + byteLength;
}

export function assertId(name: string, id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${id}`);
  }
}

export function assertUint32(name: string, value: number): void {
  if (value >>> 0 !== value) {
    throw new RangeError(`${name} must be an integer in [0, 4294967295], got ${value}`);
  }
}
