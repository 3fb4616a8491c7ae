// Hash keys as 32 lowercase hex digits. Fixed width makes string order numeric order, so shard
// lookups compare strings; a partition key's is hashed in JavaScript where its bytes lie
// (key-md5.ts); BigInt appears only where decimal text must be written (ExplicitHashKey, once per
// Kinesis record).
import type { KeySlot } from '@kinesis-producer/aggregation';
import type { Interned } from '@kinesis-producer/protocol';
import { digestHex, digestHigh28, keyMd5, md5HexOfText } from './key-md5.js';

export type HashKey = string;

/**
 * What the daemon knows of one partition key: its hash key, its UTF-8 length, and (as a KeySlot)
 * where it sits in the aggregate being built. It is the decoder's interned entry for the key, so
 * the record's key bytes lead straight to it.
 */
export interface PartitionKeyInfo extends KeySlot, Interned {
  readonly byteLength: number;
  readonly hashKey: HashKey;
  readonly hashHigh: number;
  /** Why Kinesis would refuse the key, or undefined: checked once per key, not per record. */
  readonly problem: string | undefined;
}

const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * The entry the decoder's interner makes for a key it has not seen (or has forgotten). Given the
 * key's UTF-8 bytes (`bytes` from `start`), it hashes them where they lie.
 */
export function newPartitionKeyInfo(
  text: string,
  byteLength: number,
  bytes?: Uint8Array,
  start = 0,
): PartitionKeyInfo {
  let hashKey: HashKey;
  let hashHigh: number;
  if (bytes !== undefined && keyMd5(bytes, start, start + byteLength)) {
    hashKey = digestHex();
    hashHigh = digestHigh28();
  } else {
    hashKey = md5HexOfText(text);
    hashHigh = hashKeyHigh(hashKey);
  }
  // UTF-16 code units, as Kinesis counts them.
  const units = text.length;
  const problem =
    units < 1 || units > MAX_PARTITION_KEY_LENGTH
      ? `partition key must have 1 to 256 UTF-16 code units, got ${units}`
      : undefined;
  return { text, byteLength, hashKey, hashHigh, problem, table: 0, index: 0 };
}

/**
 * The first 28 bits of a hash key as a number: hash keys with different highs compare as their
 * highs do; only equal highs need the full text. 28 bits keep it a small integer, which V8
 * stores inside the record rather than as a separate heap number.
 */
export function hashKeyHigh(key: HashKey): number {
  return Number.parseInt(key.slice(0, 7), 16);
}

export function hashKeyFromDecimal(decimal: string | bigint | number): HashKey {
  return BigInt(decimal).toString(16).padStart(32, '0');
}

export function hashKeyToDecimal(key: HashKey): string {
  return BigInt(`0x${key}`).toString();
}
