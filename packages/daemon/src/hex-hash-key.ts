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
   * Makes the key's text now if it was not made yet: the entry then no longer refers to the
   * input the key was read from (see newPartitionKeyInfo), which can be let go.
   */
  ownText(): void;
}

const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * A key's entry. Most keys never need their hash key as text: the shard lookup is decided on
 * hashHigh, and an aggregate's ExplicitHashKey comes from its first record only. So a key hashed
 * here keeps only the first 28 bits of its digest and hashes its bytes again the first time the
 * text is asked for (once per Kinesis record at most, and for the records of one that landed
 * on an unexpected shard). When keys do not recur there is one entry per record, alive as long
 * as the record, so every field here is copied by each young-generation GC and brings the next
 * one nearer: nothing derivable is kept.
 */
class PartitionKeyEntry implements PartitionKeyInfo {
  table = 0;
  index = 0;
  private hex: HashKey | undefined;
  /**
   * The key's text, or until it is first asked for, the input holding its UTF-8 bytes (from
   * sourceStart): a fresh key per record is mostly never read as text (routing, the key table
   * and the aggregate are made from its hash and its bytes), so decoding it would only be
   * garbage.
   */
  private source: string | Buffer;
  private sourceStart: number;

  constructor(
    source: string | Buffer,
    sourceStart: number,
    readonly byteLength: number,
    readonly hashHigh: number,
    hex: HashKey | undefined,
  ) {
    this.hex = hex;
    this.source = source;
    this.sourceStart = sourceStart;
  }

  get text(): string {
    const s = this.source;
    if (typeof s === 'string') return s;
    const start = this.sourceStart;
    const text = (s as Utf8SliceBuffer).utf8Slice(start, start + this.byteLength);
    this.source = text;
    return text;
  }

  ownText(): void {
    if (typeof this.source !== 'string') void this.text;
  }

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
    if (this.hex === undefined) {
      const s = this.source;
      const start = this.sourceStart;
      this.hex =
        typeof s !== 'string' && keyMd5(s, start, start + this.byteLength)
          ? hex8(digestWordSigned(0)) +
            hex8(digestWordSigned(1)) +
            hex8(digestWordSigned(2)) +
            hex8(digestWordSigned(3))
          : md5HexOfText(this.text);
    }
    return this.hex;
  }
}

function hex8(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}

// Node's Buffer has had it since v0.x; it skips the encoding dispatch of toString().
type Utf8SliceBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * The entry the decoder's interner makes for a key it has not seen (or has forgotten). Given the
 * key's UTF-8 bytes (`bytes` from `start`), it hashes them where they lie. Without `text` (an
 * entry the interner does not keep: see MakeEntry), the entry decodes its text from `bytes` when
 * first asked, so `bytes` must stay as they are until then or until ownText().
 */
export function newPartitionKeyInfo(
  text: string | undefined,
  byteLength: number,
  bytes?: Buffer,
  start = 0,
): PartitionKeyInfo {
  // A length Kinesis refuses is told with the text's length (see problem): decoded now.
  if (text === undefined && (byteLength < 1 || byteLength > MAX_PARTITION_KEY_LENGTH)) {
    text = (bytes as Utf8SliceBuffer).utf8Slice(start, start + byteLength);
  }
  if (bytes !== undefined && keyMd5(bytes, start, start + byteLength)) {
    return new PartitionKeyEntry(
      text ?? bytes,
      start,
      byteLength,
      digestWordSigned(0) >>> 4,
      undefined,
    );
  }
  text ??= (bytes as Utf8SliceBuffer).utf8Slice(start, start + byteLength);
  const hex = md5HexOfText(text);
  return new PartitionKeyEntry(text, 0, byteLength, hashKeyHigh(hex), hex);
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
