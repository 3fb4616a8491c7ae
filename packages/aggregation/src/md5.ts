import * as crypto from 'node:crypto';

/**
 * MD5 of a string's UTF-8 bytes or of raw bytes, as a 16-byte Buffer.
 *
 * The one-shot `crypto.hash` (Node >= 20.12) skips the Hash object and is about 1.5x faster
 * for short inputs such as partition keys; older Node versions fall back to `createHash`.
 */
export const md5: (data: string | Uint8Array) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('md5', data, 'buffer')
    : (data) => crypto.createHash('md5').update(data).digest();
