import { AGGREGATION_OVERHEAD, asBuffer, MAGIC, MD5_LENGTH } from './constants.js';
import { IntList } from './int-list.js';
import { type KeySlot, KeyTable, type KeyWriter } from './key-table.js';
import { md5 } from './md5.js';
import { varintLength, writeVarint } from './varint.js';

/** What the builder needs from a user record; the daemon passes its own record objects. */
export interface AggregatableRecord extends KeyWriter {
  partitionKey: string;
  /**
   * Optional: one object per distinct partition key, shared by all records with that key (see
   * KeySlot). Saves the table lookup; give it for every record or for none.
   */
  partitionKeySlot?: KeySlot;
  /** Normalized decimal, present only when the user supplied one (never the MD5-derived key). */
  explicitHashKey?: string;
  readonly data: Uint8Array;
  /** data.length, for records whose `data` is made on demand. */
  readonly dataLength?: number;
}

function dataLengthOf(record: AggregatableRecord): number {
  return record.dataLength ?? record.data.length;
}

// Protobuf tags: AggregatedRecord fields 1-3 and Record fields 1-3 (all length-delimited
// except the two varint indices).
const TAG_PARTITION_KEY_TABLE = 0x0a;
const TAG_EXPLICIT_HASH_KEY_TABLE = 0x12;
const TAG_RECORDS = 0x1a;
const TAG_PARTITION_KEY_INDEX = 0x08;
const TAG_EXPLICIT_HASH_KEY_INDEX = 0x10;
const TAG_DATA = 0x1a;

const NO_INDEX = -1;

/** A JS array's first growths (V8 grows by half plus 16): an aggregate this small is not presized. */
const PRESIZE_AT = 16;
/** Most records an aggregate is presized for; one larger grows as a JS array does. */
const PRESIZE_MAX = 4096;
/**
 * How many records the last finished aggregate of more than PRESIZE_AT held, for presizing the
 * next (see push). One for every builder: the daemon's aggregates are mostly alike in size.
 */
let lastCount = 0;

/** Length of one Record message body (without its own tag and length prefix). */
function recordBodyLength(pkIndex: number, ehkIndex: number, dataLength: number): number {
  let length = 2 + varintLength(pkIndex) + varintLength(dataLength) + dataLength;
  if (ehkIndex !== NO_INDEX) length += 1 + varintLength(ehkIndex);
  return length;
}

/**
 * Builds one Kinesis record out of user records in the KPL's aggregated format, keeping its
 * exact and estimated sizes up to date in O(1) per add and removeLast so that a buffer can test
 * its limits after every record.
 *
 * With one record the Kinesis record is that record's data unchanged; with two or more it is
 * MAGIC + AggregatedRecord protobuf + MD5 of the protobuf.
 *
 * From the second record on, the two key tables are written as keys arrive, while each key is
 * still in the cache (removeLast truncates them): encode() copies them instead of visiting every
 * key's string again, long after it was made.
 */
export class AggregatedRecordBuilder<T extends AggregatableRecord> {
  /**
   * The records, the first `n` of its slots; past them, holes or undefined while the array is
   * presized (see add), until `records` cuts it to `n`.
   */
  private readonly items: T[] = [];
  private n = 0;
  /**
   * Each record's index into the partition key table, off the JS heap (see IntList). The index
   * of an explicit hash key is looked up in its table when needed instead: few records have one.
   */
  private readonly pkIndexes = new IntList();
  private readonly partitionKeys = new KeyTable(TAG_PARTITION_KEY_TABLE, this.items);
  private readonly explicitHashKeys = new KeyTable(TAG_EXPLICIT_HASH_KEY_TABLE);
  /** Σ over records of (tag + varint length + record body). */
  private recordsSize = 0;
  /** The KPL's per-record estimate: Σ (data + 3 + 2, + 2 with an explicit key). */
  private recordsEstimate = 0;

  get count(): number {
    return this.n;
  }

  /**
   * The records in the order they were added. Do not modify. Read when the aggregate is
   * complete (more may still be added, but without the presizing).
   */
  get records(): readonly T[] {
    const items = this.items;
    const n = this.n;
    // Cutting a longer array frees or keeps its spare slots in place: nothing is allocated.
    if (items.length !== n) items.length = n;
    if (n >= PRESIZE_AT) lastCount = n;
    return items;
  }

  /** The first record added (undefined when none), without finishing the list (see records). */
  get first(): T | undefined {
    return this.n > 0 ? this.items[0] : undefined;
  }

  add(record: T): void {
    const slot = record.partitionKeySlot;
    // With a slot, the key's string is read only if needed (see KeyTable.addWithSlot).
    const pkIndex =
      slot === undefined
        ? this.partitionKeys.add(record.partitionKey)
        : this.partitionKeys.addWithSlot(slot, record, this.n);
    const ehk = record.explicitHashKey;
    const ehkIndex = ehk === undefined ? NO_INDEX : this.explicitHashKeys.add(ehk);
    const dataLength = dataLengthOf(record);
    const body = recordBodyLength(pkIndex, ehkIndex, dataLength);
    this.recordsSize += 1 + varintLength(body) + body;
    this.recordsEstimate += ehkIndex === NO_INDEX ? dataLength + 5 : dataLength + 7;
    this.push(record);
    this.pkIndexes.push(pkIndex);
    if (this.n === 2) {
      // A lone record is sent as its own data and needs no table: start with the second.
      this.partitionKeys.startWriting();
      this.explicitHashKeys.startWriting();
    }
  }

  /**
   * Presized, on purpose: an aggregate of hundreds of records grew its array a few records at a
   * time, each growth leaving the old copy for the young-generation collector (about 10 bytes a
   * record). Past its first growths, the array is made as long as the last finished aggregate
   * at once (as holes, which `records` cuts off).
   */
  private push(record: T): void {
    const items = this.items;
    const n = this.n;
    if (n < items.length) {
      items[n] = record;
    } else {
      if (n === PRESIZE_AT && lastCount > n) items.length = Math.min(lastCount, PRESIZE_MAX);
      if (n < items.length) items[n] = record;
      else items.push(record);
    }
    this.n = n + 1;
  }

  /** Undoes the last add() exactly, table entries included, and returns its record. */
  removeLast(): T {
    if (this.n === 0) throw new RangeError('removeLast() on an empty aggregated record');
    const items = this.items;
    const n = --this.n;
    const record = items[n]!;
    if (items.length === n + 1) items.pop();
    else items[n] = undefined as unknown as T;
    const pkIndex = this.pkIndexes.pop();
    const ehkIndex = this.ehkIndexOf(record);
    const dataLength = dataLengthOf(record);
    const body = recordBodyLength(pkIndex, ehkIndex, dataLength);
    this.recordsSize -= 1 + varintLength(body) + body;
    this.recordsEstimate -= ehkIndex === NO_INDEX ? dataLength + 5 : dataLength + 7;
    this.partitionKeys.removeUse(pkIndex, record.partitionKeySlot);
    if (ehkIndex !== NO_INDEX) this.explicitHashKeys.removeUse(ehkIndex);
    if (n === 1) {
      this.partitionKeys.stopWriting();
      this.explicitHashKeys.stopWriting();
    }
    return record;
  }

  /** Exactly the length encode() returns (the KPL's size accounting). */
  accurateSize(): number {
    const n = this.n;
    if (n === 0) return 0;
    if (n === 1) return dataLengthOf(this.items[0]);
    return AGGREGATION_OVERHEAD + this.protobufSize();
  }

  /**
   * The KPL's cheaper estimate, used only to trigger a flush. For two or more records it leaves
   * out the 20-byte overhead and approximates varints, exactly as the KPL does.
   */
  estimatedSize(): number {
    if (this.n < 2) return this.accurateSize();
    return (
      this.recordsEstimate + this.partitionKeys.estimatedSize + this.explicitHashKeys.estimatedSize
    );
  }

  /**
   * The Kinesis record's data. One record: its data bytes unchanged (a view, not a copy).
   * Two or more: a new Buffer with the aggregated record.
   */
  encode(): Buffer {
    const n = this.n;
    if (n === 0) throw new RangeError('Cannot encode an aggregated record with no user records');
    if (n === 1) return asBuffer(this.items[0].data);

    const out = Buffer.allocUnsafe(AGGREGATION_OVERHEAD + this.protobufSize());
    out[0] = MAGIC[0];
    out[1] = MAGIC[1];
    out[2] = MAGIC[2];
    out[3] = MAGIC[3];
    let pos = this.partitionKeys.encoded.copyTo(out, MAGIC.length);
    pos = this.explicitHashKeys.encoded.copyTo(out, pos);
    const { items, pkIndexes } = this;
    for (let i = 0; i < n; i++) {
      const record = items[i]!;
      const dataLength = dataLengthOf(record);
      const pkIndex = pkIndexes.at(i);
      const ehkIndex = this.ehkIndexOf(record);
      out[pos++] = TAG_RECORDS;
      pos = writeVarint(out, pos, recordBodyLength(pkIndex, ehkIndex, dataLength));
      out[pos++] = TAG_PARTITION_KEY_INDEX;
      pos = writeVarint(out, pos, pkIndex);
      if (ehkIndex !== NO_INDEX) {
        out[pos++] = TAG_EXPLICIT_HASH_KEY_INDEX;
        pos = writeVarint(out, pos, ehkIndex);
      }
      out[pos++] = TAG_DATA;
      pos = writeVarint(out, pos, dataLength);
      out.set(record.data, pos);
      pos += dataLength;
    }
    md5(out.subarray(MAGIC.length, pos)).copy(out, pos);
    if (pos + MD5_LENGTH !== out.length) {
      throw new Error(
        `aggregated record size mismatch: wrote ${pos + MD5_LENGTH} of ${out.length}`,
      );
    }
    return out;
  }

  private ehkIndexOf(record: T): number {
    const ehk = record.explicitHashKey;
    return ehk === undefined ? NO_INDEX : this.explicitHashKeys.indexOf(ehk);
  }

  private protobufSize(): number {
    return this.partitionKeys.encodedSize + this.explicitHashKeys.encodedSize + this.recordsSize;
  }
}

/** Encodes records as one Kinesis record's data (see AggregatedRecordBuilder.encode). */
export function aggregate(records: Iterable<AggregatableRecord>): Buffer {
  const builder = new AggregatedRecordBuilder<AggregatableRecord>();
  for (const record of records) builder.add(record);
  return builder.encode();
}
