// Hash keys as 32 lowercase hex digits. Fixed width makes string order numeric order, so shard
// lookups compare strings; a partition key's is hashed in JavaScript where its bytes lie
// (key-md5.ts); BigInt appears only where decimal text must be written (ExplicitHashKey, once per
// Kinesis record).
import type { KeySlot } from '@kinesis-producer/aggregation';
import type { Interned } from '@kinesis-producer/protocol';
import { digestWord, keyMd5, md5HexOfText } from './key-md5.js';

export type HashKey = string;

/** Something with a hash key and its first 28 bits (a partition key's entry). */
export interface HashKeyed {
  readonly hashKey: HashKey;
  readonly hashHigh: number;
}

/**
 * What the daemon knows of one partition key: its hash key, its UTF-8 length, and (as a KeySlot)
 * where it sits in the aggregate being built. It is the decoder's interned entry for the key, so
 * the record's key bytes lead straight to it.
 */
export interface PartitionKeyInfo extends KeySlot, Interned, HashKeyed {
  readonly byteLength: number;
  /** Why Kinesis would refuse the key, or undefined: checked once per key, not per record. */
  readonly problem: string | undefined;
}

const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * A key's entry. Most keys never need their hash key as text: the shard lookup is decided on
 * hashHigh, and an aggregate's ExplicitHashKey comes from its first record only. So a key hashed
 * here keeps the rest of its digest as six 16-bit halves (small integers, stored inside the
 * object, where 32-bit words could each become a separate heap number) and makes the text the
 * first time it is asked for.
 */
class PartitionKeyEntry implements PartitionKeyInfo {
  table = 0;
  index = 0;
  private hex: HashKey | undefined;

  constructor(
    readonly text: string,
    readonly byteLength: number,
    readonly hashHigh: number,
    readonly problem: string | undefined,
    hex: HashKey | undefined,
    /** The digest's bits below hashHigh: the first word's last 4, then words 1 to 3 by halves. */
    private readonly low4: number,
    private readonly w1high: number,
    private readonly w1low: number,
    private readonly w2high: number,
    private readonly w2low: number,
    private readonly w3high: number,
    private readonly w3low: number,
  ) {
    this.hex = hex;
  }

  get hashKey(): HashKey {
    if (this.hex === undefined) {
      this.hex =
        hex8(this.hashHigh * 16 + this.low4) +
        hex8(this.w1high * 0x10000 + this.w1low) +
        hex8(this.w2high * 0x10000 + this.w2low) +
        hex8(this.w3high * 0x10000 + this.w3low);
    }
    return this.hex;
  }
}

function hex8(word: number): string {
  return word.toString(16).padStart(8, '0');
}

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
  // UTF-16 code units, as Kinesis counts them.
  const units = text.length;
  const problem =
    units < 1 || units > MAX_PARTITION_KEY_LENGTH
      ? `partition key must have 1 to 256 UTF-16 code units, got ${units}`
      : undefined;
  if (bytes !== undefined && keyMd5(bytes, start, start + byteLength)) {
    const w0 = digestWord(0);
    const w1 = digestWord(1);
    const w2 = digestWord(2);
    const w3 = digestWord(3);
    return new PartitionKeyEntry(
      text,
      byteLength,
      w0 >>> 4,
      problem,
      undefined,
      w0 & 15,
      w1 >>> 16,
      w1 & 0xffff,
      w2 >>> 16,
      w2 & 0xffff,
      w3 >>> 16,
      w3 & 0xffff,
    );
  }
  const hex = md5HexOfText(text);
  return new PartitionKeyEntry(
    text,
    byteLength,
    hashKeyHigh(hex),
    problem,
    hex,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  );
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
