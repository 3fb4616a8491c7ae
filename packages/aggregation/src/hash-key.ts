import { md5 } from './md5.js';

/** The largest hash key a Kinesis shard can own: 2^128 - 1. */
export const MAX_HASH_KEY: bigint = 2n ** 128n - 1n;

/**
 * The hash key Kinesis derives from a partition key: the MD5 of its UTF-8 bytes read as a
 * big-endian unsigned 128-bit integer.
 */
export function hashKeyOf(partitionKey: string): bigint {
  const digest = md5(partitionKey);
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

// MAX_HASH_KEY has 39 decimal digits; anything longer (after leading zeros) is out of range.
const MAX_SIGNIFICANT_DIGITS = 39;
const DIGITS = /^[0-9]+$/;

/**
 * Parses an explicit hash key given as decimal text. Leading zeros are accepted, as the KPL
 * accepts them. Returns undefined for anything that is not all digits or exceeds 2^128 - 1.
 */
export function parseExplicitHashKey(s: string): bigint | undefined {
  if (!DIGITS.test(s)) return undefined;
  let start = 0;
  while (start < s.length - 1 && s.charCodeAt(start) === 0x30) start++;
  if (s.length - start > MAX_SIGNIFICANT_DIGITS) return undefined;
  const value = BigInt(s);
  return value <= MAX_HASH_KEY ? value : undefined;
}

/**
 * The canonical decimal form of an explicit hash key (`"007"` becomes `"7"`), which is what the
 * KPL puts in the aggregated record's table and in ExplicitHashKey. Undefined when invalid.
 */
export function normalizeExplicitHashKey(s: string): string | undefined {
  return parseExplicitHashKey(s)?.toString();
}
