import { ByteList } from './byte-list.js';
import { IntList } from './int-list.js';
import { varintLength, writeVarint } from './varint.js';

/**
 * A caller's memo of where one key sits in a table: shared by every record with that key, it
 * lets add() skip the table's own lookup. The table writes it; callers only keep it.
 */
export interface KeySlot {
  table: number;
  index: number;
  /** The key's UTF-8 length, when the caller knows it already. */
  readonly byteLength?: number;
  /**
   * Optional: a 32-bit integer equal keys share (a prefix of their hash, say). The table then
   * tells most different keys apart without reading their strings, which among many keys are
   * each a cache miss away.
   */
  readonly fingerprint?: number;
}

/** A record that can write its partition key's bytes itself (see AggregatableRecord). */
export interface KeyWriter {
  readonly partitionKey: string;
  /**
   * Writes the key's UTF-8 bytes (`length` of them) into `target` at `at` and returns true, or
   * returns false to have the table write the key's string instead.
   */
  writePartitionKey?(target: Buffer, at: number, length: number): boolean;
}

let tables = 0;

/** ASCII keys up to this length are written byte by byte in JavaScript. */
const SHORT_KEY = 64;

// Node's Buffer has had these since v0.x; they skip the encoding dispatch of buf.write().
type FastWriteBuffer = Buffer & {
  latin1Write(s: string, offset: number, length: number): number;
  utf8Write(s: string, offset: number, length: number): number;
};

/**
 * One of the aggregated record's string tables (partition keys or explicit hash keys): each key
 * once, in order of first use, with a use count so that undoing the last add can drop a key.
 */
export class KeyTable {
  /**
   * Where each key is: for a key added with a slot, the position in `records` of the first
   * record that had it (its string is read only when needed: a record may make it on demand, and
   * a key that is new for every record is mostly never needed as text); for a key added as a
   * string, -1 - its position in `strings`. Numbers off the JS heap rather than a JS array of
   * references: with a fresh key per record the array grew record by record, and each growth
   * left its old copy for the young-generation collector.
   */
  private readonly sources = new IntList();
  /** The keys added as strings (see sources). */
  private readonly strings: string[] = [];
  /** UTF-8 byte length of each key, measured once when the key first appears. */
  readonly byteLengths = new IntList();
  /** Bytes the table takes in the protobuf: Σ (tag + varint length + key). */
  encodedSize = 0;
  /** The KPL's estimate for the table: Σ (key length + 3). */
  estimatedSize = 0;
  /**
   * The table's protobuf fields (tag, length, key) once the aggregate holds two records, written
   * as keys arrive, while the key is in the cache (see writing). Its length is encodedSize.
   */
  readonly encoded = new ByteList();
  private readonly uses = new IntList();
  /** Each key's slot's fingerprint (0 without one): see KeySlot.fingerprint. */
  private readonly fingerprints = new IntList();
  private readonly indexes = new Map<string, number>();
  private readonly id = ++tables;
  /**
   * Off while the aggregate holds one record: a lone record is sent as its own data, so the
   * many Kinesis records of one user record each (aggregation off, isolated records) never
   * write a table.
   */
  private writing = false;

  /**
   * `tag`: the protobuf tag of the table's field in the AggregatedRecord. `records`: the
   * aggregate's records, in the order they were added (the builder's own list, read as it grows),
   * where keys added with a slot are found.
   */
  constructor(
    private readonly tag: number,
    private readonly records: readonly KeyWriter[] = [],
  ) {}

  /** From now on keys are written as they arrive; those already there are written now. */
  startWriting(): void {
    if (this.writing) return;
    this.writing = true;
    for (let i = 0; i < this.sources.length; i++)
      this.write(this.sourceAt(i), this.byteLengths.at(i));
  }

  /** The key at `index`. */
  keyAt(index: number): string {
    const s = this.sources.at(index);
    return s >= 0 ? this.records[s]!.partitionKey : this.strings[-1 - s]!;
  }

  private sourceAt(index: number): string | KeyWriter {
    const s = this.sources.at(index);
    return s >= 0 ? this.records[s]! : this.strings[-1 - s]!;
  }

  /** Back to one record: nothing written is needed. */
  stopWriting(): void {
    this.writing = false;
    this.encoded.truncate(0);
  }

  /** Counts one use of `key` and returns its index (a table fed with slots: see addWithSlot). */
  add(key: string): number {
    const found = this.indexes.get(key);
    if (found !== undefined) {
      this.uses.add(found, 1);
      return found;
    }
    this.strings.push(key);
    const index = this.append(key, -this.strings.length, undefined, 0);
    this.indexes.set(key, index);
    return index;
  }

  /**
   * add() for the partition key of `record`, with its slot: the key's string is read only when
   * the slot cannot tell (see KeySlot.fingerprint) or the record cannot write its bytes. `at`:
   * where the record is (or is about to be) in `records`. A table is fed either always with
   * slots (the same object for every use of a key) or never.
   */
  addWithSlot(slot: KeySlot, record: KeyWriter, at: number): number {
    if (slot.table === this.id) {
      this.uses.add(slot.index, 1);
      return slot.index;
    }
    // The same key as the last one added, under another slot: a caller that does not always
    // hand out one slot per key (the daemon's interner stops interning keys that rarely recur)
    // still gets one entry for a run of equal keys, as in an aggregate of one partition key.
    const last = this.sources.length - 1;
    if (
      last >= 0 &&
      (slot.fingerprint === undefined || this.fingerprints.at(last) === slot.fingerprint) &&
      this.keyAt(last) === record.partitionKey
    ) {
      this.uses.add(last, 1);
      return last;
    }
    const index = this.append(record, at, slot.byteLength, slot.fingerprint ?? 0);
    slot.table = this.id;
    slot.index = index;
    return index;
  }

  /** Index of a key added without slots. */
  indexOf(key: string): number {
    return this.indexes.get(key)!;
  }

  /** `source`: see sources. */
  private append(
    key: string | KeyWriter,
    source: number,
    byteLength: number | undefined,
    fingerprint: number,
  ): number {
    const index = this.sources.length;
    const length =
      byteLength ?? Buffer.byteLength(typeof key === 'string' ? key : key.partitionKey, 'utf8');
    this.sources.push(source);
    this.byteLengths.push(length);
    this.fingerprints.push(fingerprint);
    this.uses.push(1);
    this.encodedSize += 1 + varintLength(length) + length;
    this.estimatedSize += length + 3;
    if (this.writing) this.write(key, length);
    return index;
  }

  private write(source: string | KeyWriter, length: number): void {
    const list = this.encoded;
    let pos = list.reserve(1 + varintLength(length) + length);
    const out = list.bytes as FastWriteBuffer;
    out[pos++] = this.tag;
    pos = writeVarint(out, pos, length);
    if (typeof source !== 'string' && source.writePartitionKey?.(out, pos, length) === true) {
      list.length = pos + length;
      return;
    }
    const key = typeof source === 'string' ? source : source.partitionKey;
    if (length !== key.length) {
      pos += out.utf8Write(key, pos, length);
    } else if (length <= SHORT_KEY) {
      // Equal lengths mean every UTF-16 unit is ASCII, so each unit is its byte; for short keys
      // (most partition keys) a loop in JavaScript beats a call into C++.
      for (let j = 0; j < length; j++) out[pos + j] = key.charCodeAt(j);
      pos += length;
    } else {
      pos += out.latin1Write(key, pos, length);
    }
    list.length = pos;
  }

  /**
   * Undoes one use of the key at `index`, which was added with `slot` (the same as given to
   * add()). Only valid in LIFO order with add(): a key whose count drops to zero was first used
   * by the record being removed, so it is the last table entry, no other record's index moves,
   * and `slot` is the one the table wrote (so the table keeps no slot per key).
   */
  removeUse(index: number, slot?: KeySlot): void {
    if (this.uses.add(index, -1) > 0) return;
    const source = this.sources.pop();
    const length = this.byteLengths.pop();
    this.fingerprints.pop();
    this.uses.pop();
    if (slot !== undefined) {
      if (slot.table === this.id) slot.table = 0;
    }
    if (source < 0) this.indexes.delete(this.strings.pop()!);
    this.encodedSize -= 1 + varintLength(length) + length;
    this.estimatedSize -= length + 3;
    if (this.writing) this.encoded.truncate(this.encodedSize);
  }
}
