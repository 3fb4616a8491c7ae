// A record whose partition key the interner does not keep (a fresh key per record, the most common
// choice): the record is its key's entry itself. It takes what the shared FRESH_KEY holds for its
// key as it is made (its length and the first 28 bits of its digest) and reads the rest from the
// key's bytes in the input, where the record's data lies too. So a fresh key costs two fields of
// the record instead of an object of its own, which each young-generation collection would copy
// for as long as the record waits.

import { FRESH_KEY, type HashKey, hashKeyHigh, type PartitionKeyInfo } from './hex-hash-key.js';
import { digestHex, keyMd5, md5HexOfText } from './key-md5.js';
import { type DataAt, UserRecord } from './user-record.js';

export class FreshKeyRecord extends UserRecord implements PartitionKeyInfo {
  /** Its key's slot in the aggregate's key table (see KeySlot). */
  table = 0;
  index = 0;
  private readonly keyLength: number;
  /** The first 28 bits of the key's MD5 (with an explicit hash key, routing uses that instead). */
  private readonly keyHigh: number;

  /** Made right after FRESH_KEY was filled with this record's key, from `data` as decoded. */
  constructor(
    sourceId: number,
    explicitHashKey: string | undefined,
    data: DataAt & { readonly partitionKeyStart: number },
    /** The hash key from the explicit hash key, when there is one. */
    explicitHash: HashKey | undefined,
    arrival: number,
    maxBufferedTime: number,
    ttl: number,
  ) {
    super(
      sourceId,
      FRESH_KEY,
      explicitHashKey,
      data,
      explicitHash ?? FRESH_KEY,
      arrival,
      maxBufferedTime,
      ttl,
    );
    this.keyLength = FRESH_KEY.byteLength;
    this.keyHigh = FRESH_KEY.hashHigh;
    this.keyEntry = this;
  }

  private get ownKey(): boolean {
    return this.keyEntry === this;
  }

  /** The key's bytes, while the record still reads them from its input. */
  private keyBytes(): Uint8Array {
    return new Uint8Array(this.dataBytes, this.keyOffset, this.keyLength);
  }

  get text(): string {
    if (!this.ownKey) return this.keyEntry as string;
    return Buffer.from(this.dataBytes, this.keyOffset, this.keyLength).toString('utf8');
  }

  get byteLength(): number {
    return this.keyLength;
  }

  /** Only keys of a length Kinesis takes are made into FRESH_KEY (see internedKeyInfo). */
  get problem(): undefined {
    return undefined;
  }

  get fingerprint(): number {
    return this.keyHigh;
  }

  override get hashHigh(): number {
    const h = this.rare?.hashKey;
    return h === undefined ? this.keyHigh : hashKeyHigh(h);
  }

  override get hashKey(): HashKey {
    const h = this.rare?.hashKey;
    if (h !== undefined) return h;
    const bytes = this.keyBytes();
    if (!keyMd5(bytes, 0, bytes.length)) return md5HexOfText(this.text);
    return digestHex();
  }

  override get partitionKeySlot(): PartitionKeyInfo | undefined {
    return super.partitionKeySlot;
  }

  override set partitionKeySlot(entry: PartitionKeyInfo | undefined) {
    if (this.ownKey) this.ownText();
    super.partitionKeySlot = entry;
  }

  /**
   * The record is let go of its input (detach): it keeps its key's text and hash key from now
   * on, as a record made with its key as text does, and is no longer a key table slot.
   */
  ownText(): void {
    if (!this.ownKey) return;
    this.rareState().hashKey ??= this.hashKey;
    this.keyEntry = this.text;
  }
}
