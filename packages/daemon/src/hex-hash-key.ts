// Hash keys as 32 lowercase hex digits. Fixed width makes string order numeric order, so shard
// lookups compare strings; a partition key's is hashed in JavaScript where its bytes lie
// (key-md5.ts); BigInt appears only where decimal text must be written (ExplicitHashKey, once per
// Kinesis record).
import type { KeySlot } from '@kinesis-producer/aggregation';
import type { Interned } from '@kinesis-producer/protocol';
import { digestWordSigned, keyMd5, md5HexOfText } from './key-md5.js';

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
  /**
   * Makes the key's text now if it was not made yet: the entry then no longer reads the input the
   * key arrived in, which can be let go (see fresh-key-record.ts).
   */
  ownText(): void;
}

const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * A key's entry, kept by the interner for a key that recurs and shared by all its records. Most
 * keys never need their hash key as text: the shard lookup is decided on hashHigh, and an
 * aggregate's ExplicitHashKey comes from its first record only. So the entry keeps the first
 * 28 bits of the key's digest and makes the text the first time it is asked for. (A key that
 * does not recur has no entry: its record is its entry, see fresh-key-record.ts.)
 */
class PartitionKeyEntry implements PartitionKeyInfo {
  table = 0;
  index = 0;

  constructor(
    readonly text: string,
    readonly byteLength: number,
    readonly hashHigh: number,
    private hex: HashKey | undefined,
  ) {}

  /** It has its text from the start. */
  ownText(): void {}

  /** Checked once per record, and almost never set: computed rather than kept per key. */
  get problem(): string | undefined {
    // Each UTF-16 unit takes at least one UTF-8 byte, so 1 to 256 bytes means 1 to 256 units:
    // decided without reading the string, a cache miss away when keys come from a large pool.
    if (this.byteLength >= 1 && this.byteLength <= MAX_PARTITION_KEY_LENGTH) return undefined;
    // UTF-16 code units, as Kinesis counts them.
    const units = this.text.length;
    return units < 1 || units > MAX_PARTITION_KEY_LENGTH
      ? `partition key must have 1 to 256 UTF-16 code units, got ${units}`
      : undefined;
  }

  /** The key table's fingerprint (see KeySlot): equal keys have equal hash keys. */
  get fingerprint(): number {
    return this.hashHigh;
  }

  get hashKey(): HashKey {
    this.hex ??= md5HexOfText(this.text);
    return this.hex;
  }
}

// Node's Buffer has had it since v0.x; it skips the encoding dispatch of toString().
type Utf8SliceBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * A key's entry, from its text or from its UTF-8 bytes (`bytes` from `start`), which it then hashes
 * where they lie (key-md5.ts) rather than encoding the text again.
 */
export function newPartitionKeyInfo(
  text: string | undefined,
  byteLength: number,
  bytes?: Buffer,
  start = 0,
): PartitionKeyInfo {
  text ??= (bytes as Utf8SliceBuffer).utf8Slice(start, start + byteLength);
  if (bytes !== undefined && keyMd5(bytes, start, start + byteLength)) {
    return new PartitionKeyEntry(text, byteLength, digestWordSigned(0) >>> 4, undefined);
  }
  const hex = md5HexOfText(text);
  return new PartitionKeyEntry(text, byteLength, hashKeyHigh(hex), hex);
}

/**
 * What the daemon's interner hands out for a key it does not keep (a fresh key per record): one
 * object, filled anew for each such key, that the record made next takes the key from
 * (fresh-key-record.ts). A key that does not recur would otherwise cost an entry object of its
 * own, alive as long as its record and copied with it by every young-generation collection.
 * Valid only until the next key is decoded: nothing may keep it, and it is nobody's table slot.
 */
class FreshKey implements PartitionKeyInfo {
  byteLength = 0;
  hashHigh = 0;
  /** The key's UTF-8 bytes lie in `bytes` from `start`. */
  bytes: Buffer = Buffer.alloc(0);
  start = 0;

  get text(): string {
    return (this.bytes as Utf8SliceBuffer).utf8Slice(this.start, this.start + this.byteLength);
  }

  get hashKey(): HashKey {
    return md5HexOfText(this.text);
  }

  /** Only keys of a length Kinesis takes are handed out this way. */
  get problem(): undefined {
    return undefined;
  }

  get fingerprint(): number {
    return this.hashHigh;
  }

  get table(): number {
    return -1;
  }

  set table(_: number) {
    throw new Error('the shared entry of a fresh partition key cannot be a key table slot');
  }

  get index(): number {
    return -1;
  }

  set index(_: number) {
    throw new Error('the shared entry of a fresh partition key cannot be a key table slot');
  }

  ownText(): void {
    throw new Error('the shared entry of a fresh partition key cannot be kept');
  }
}

export const FRESH_KEY: PartitionKeyInfo = new FreshKey();

/**
 * The daemon interner's MakeEntry: a key it keeps gets an entry of its own (newPartitionKeyInfo);
 * one it does not keep, of a length Kinesis takes and short enough to hash in JavaScript, is
 * hashed where its bytes lie and handed out as FRESH_KEY.
 */
export function internedKeyInfo(
  text: string | undefined,
  byteLength: number,
  bytes: Buffer,
  start: number,
): PartitionKeyInfo {
  if (
    text === undefined &&
    byteLength >= 1 &&
    byteLength <= MAX_PARTITION_KEY_LENGTH &&
    keyMd5(bytes, start, start + byteLength)
  ) {
    const fresh = FRESH_KEY as FreshKey;
    fresh.byteLength = byteLength;
    fresh.hashHigh = digestWordSigned(0) >>> 4;
    fresh.bytes = bytes;
    fresh.start = start;
    return fresh;
  }
  return newPartitionKeyInfo(text, byteLength, bytes, start);
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
