// MD5 of a partition key's UTF-8 bytes, in JavaScript. Partition keys are short (mostly 16 to 36
// bytes, at most 768), and for inputs that small the fixed cost of a call into OpenSSL (argument
// checks, string encoding, a result string or Buffer) is several times the hashing itself. Here
// the bytes are read where they lie (in the input frame), padded into one reused scratch block
// and hashed into one reused word array: nothing is allocated.
import { hash } from 'node:crypto';

/** The longest input hashed here; longer ones go to OpenSSL (partition keys never are). */
export const KEY_MD5_MAX_BYTES = 768;

// The scratch holds the message and its padding: up to KEY_MD5_MAX_BYTES + 72 bytes, whole blocks.
const SCRATCH_BYTES = Math.ceil((KEY_MD5_MAX_BYTES + 9) / 64) * 64;
const scratch = new Uint8Array(SCRATCH_BYTES);
// Reading the block through an Int32Array is a little-endian read on little-endian machines,
// which is what MD5 wants; on a big-endian machine every input goes to OpenSSL instead.
const words = new Int32Array(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The digest of the last call, as MD5's four little-endian words. Reused: read it before the
 * next call.
 */
const digestWords = new Int32Array(4);

/**
 * MD5 of `bytes[start, end)` into `digestWords`. Returns false (and leaves digestWords as it was)
 * when the input is longer than KEY_MD5_MAX_BYTES or the machine is big-endian: the caller then
 * hashes with node:crypto.
 */
export function keyMd5(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length > KEY_MD5_MAX_BYTES || !LITTLE_ENDIAN) return false;
  for (let i = 0; i < length; i++) scratch[i] = bytes[start + i]!;
  const blocks = (length + 72) >>> 6;
  const padded = blocks << 6;
  scratch[length] = 0x80;
  scratch.fill(0, length + 1, padded - 8);
  // The length in bits, as a 64-bit little-endian number (it fits in the low word).
  words[(padded >>> 2) - 2] = length << 3;
  words[(padded >>> 2) - 1] = 0;

  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  for (let block = 0; block < blocks; block++) {
    const w = block << 4;
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    let t: number;
    // The 64 steps written out, constants inline: as a loop over tables it runs about twice as
    // slow, which would give back much of what skipping OpenSSL's call wins.
    t = (a + ((b & c) | (~b & d)) + words[w + 0]! + -0x28955b88) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + words[w + 1]! + -0x173848aa) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + words[w + 2]! + 0x242070db) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + words[w + 3]! + -0x3e423112) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + words[w + 4]! + -0xa83f051) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + words[w + 5]! + 0x4787c62a) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + words[w + 6]! + -0x57cfb9ed) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + words[w + 7]! + -0x2b96aff) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + words[w + 8]! + 0x698098d8) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + words[w + 9]! + -0x74bb0851) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + words[w + 10]! + -0xa44f) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + words[w + 11]! + -0x76a32842) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + words[w + 12]! + 0x6b901122) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + words[w + 13]! + -0x2678e6d) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + words[w + 14]! + -0x5986bc72) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + words[w + 15]! + 0x49b40821) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[w + 1]! + -0x9e1da9e) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[w + 6]! + -0x3fbf4cc0) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[w + 11]! + 0x265e5a51) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[w + 0]! + -0x16493856) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[w + 5]! + -0x29d0efa3) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[w + 10]! + 0x2441453) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[w + 15]! + -0x275e197f) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[w + 4]! + -0x182c0438) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[w + 9]! + 0x21e1cde6) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[w + 14]! + -0x3cc8f82a) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[w + 3]! + -0xb2af279) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[w + 8]! + 0x455a14ed) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[w + 13]! + -0x561c16fb) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[w + 2]! + -0x3105c08) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[w + 7]! + 0x676f02d9) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[w + 12]! + -0x72d5b376) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + (b ^ c ^ d) + words[w + 5]! + -0x5c6be) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + words[w + 8]! + -0x788e097f) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + words[w + 11]! + 0x6d9d6122) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + words[w + 14]! + -0x21ac7f4) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + words[w + 1]! + -0x5b4115bc) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + words[w + 4]! + 0x4bdecfa9) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + words[w + 7]! + -0x944b4a0) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + words[w + 10]! + -0x41404390) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + words[w + 13]! + 0x289b7ec6) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + words[w + 0]! + -0x155ed806) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + words[w + 3]! + -0x2b10cf7b) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + words[w + 6]! + 0x4881d05) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + words[w + 9]! + -0x262b2fc7) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + words[w + 12]! + -0x1924661b) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + words[w + 15]! + 0x1fa27cf8) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + words[w + 2]! + -0x3b53a99b) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (c ^ (b | ~d)) + words[w + 0]! + -0xbd6ddbc) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + words[w + 7]! + 0x432aff97) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + words[w + 14]! + -0x546bdc59) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + words[w + 5]! + -0x36c5fc7) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + words[w + 12]! + 0x655b59c3) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + words[w + 3]! + -0x70f3336e) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + words[w + 10]! + -0x100b83) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + words[w + 1]! + -0x7a7ba22f) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + words[w + 8]! + 0x6fa87e4f) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + words[w + 15]! + -0x1d31920) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + words[w + 6]! + -0x5cfebcec) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + words[w + 13]! + 0x4e0811a1) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + words[w + 4]! + -0x8ac817e) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + words[w + 11]! + -0x42c50dcb) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + words[w + 2]! + 0x2ad7d2bb) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + words[w + 9]! + -0x14792c6f) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
  }
  digestWords[0] = a;
  digestWords[1] = b;
  digestWords[2] = c;
  digestWords[3] = d;
  return true;
}

/**
 * The digest's first byte is the low byte of the first word: big-endian reads swap bytes. Signed:
 * an unsigned word above 2^31 is not a small integer, so each call would allocate a heap number.
 */
function bigEndian(word: number): number {
  return ((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24);
}

/** Word `i` (0 to 3) of the digest read big-endian, as a signed 32-bit number (see bigEndian). */
export function digestWordSigned(i: number): number {
  return bigEndian(digestWords[i]!);
}

/** Word `i` (0 to 3) of the digest read big-endian, as an unsigned number. */
export function digestWord(i: number): number {
  return digestWordSigned(i) >>> 0;
}

/** The digest as 32 hex digits. */
export function digestHex(): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += digestWord(i).toString(16).padStart(8, '0');
  return hex;
}

/** MD5 of a string's UTF-8 bytes as hex, for the inputs keyMd5 does not take. */
export function md5HexOfText(text: string): string {
  return hash('md5', text, 'hex');
}
