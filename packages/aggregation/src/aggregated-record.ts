import { AGGREGATION_OVERHEAD, asBuffer, MAGIC, MD5_LENGTH } from './constants.js';
import { IntList } from './int-list.js';
import { type KeySlot, KeyTable } from './key-table.js';
import { md5 } from './md5.js';
import { varintLength, writeVarint } from './varint.js';

/** What the builder needs from a user record; the daemon passes its own record objects. */
export interface AggregatableRecord {
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
/** ASCII keys up to this length are written byte by byte in JavaScript. */
const SHORT_KEY = 64;

// Node's Buffer has had these since v0.x; they skip the encoding dispatch of buf.write().
type FastWriteBuffer = Buffer & {
  latin1Write(s: string, offset: number, length: number): number;
  utf8Write(s: string, offset: number, length: number): number;
};

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
 */
export class AggregatedRecordBuilder<T extends AggregatableRecord> {
  private readonly items: T[] = [];
  /**
   * Each record's index into the partition key table, off the JS heap (see IntList). The index
   * of an explicit hash key is looked up in its table when needed instead: few records have one.
   */
  private readonly pkIndexes = new IntList();
  private readonly partitionKeys = new KeyTable();
  private readonly explicitHashKeys = new KeyTable();
  /** Σ over records of (tag + varint length + record body). */
  private recordsSize = 0;
  /** The KPL's per-record estimate: Σ (data + 3 + 2, + 2 with an explicit key). */
  private recordsEstimate = 0;

  get count(): number {
    return this.items.length;
  }

  /** The records in the order they were added. Do not modify. */
  get records(): readonly T[] {
    return this.items;
  }

  add(record: T): void {
    const pkIndex = this.partitionKeys.add(record.partitionKey, record.partitionKeySlot);
    const ehk = record.explicitHashKey;
    const ehkIndex = ehk === undefined ? NO_INDEX : this.explicitHashKeys.add(ehk);
    const dataLength = dataLengthOf(record);
    const body = recordBodyLength(pkIndex, ehkIndex, dataLength);
    this.recordsSize += 1 + varintLength(body) + body;
    this.recordsEstimate += ehkIndex === NO_INDEX ? dataLength + 5 : dataLength + 7;
    this.items.push(record);
    this.pkIndexes.push(pkIndex);
  }

  /** Undoes the last add() exactly, table entries included, and returns its record. */
  removeLast(): T {
    const record = this.items.pop();
    if (record === undefined) throw new RangeError('removeLast() on an empty aggregated record');
    const pkIndex = this.pkIndexes.pop();
    const ehkIndex = this.ehkIndexOf(record);
    const dataLength = dataLengthOf(record);
    const body = recordBodyLength(pkIndex, ehkIndex, dataLength);
    this.recordsSize -= 1 + varintLength(body) + body;
    this.recordsEstimate -= ehkIndex === NO_INDEX ? dataLength + 5 : dataLength + 7;
    this.partitionKeys.removeUse(pkIndex, record.partitionKeySlot);
    if (ehkIndex !== NO_INDEX) this.explicitHashKeys.removeUse(ehkIndex);
    return record;
  }

  /** Exactly the length encode() returns (the KPL's size accounting). */
  accurateSize(): number {
    const n = this.items.length;
    if (n === 0) return 0;
    if (n === 1) return dataLengthOf(this.items[0]);
    return AGGREGATION_OVERHEAD + this.protobufSize();
  }

  /**
   * The KPL's cheaper estimate, used only to trigger a flush. For two or more records it leaves
   * out the 20-byte overhead and approximates varints, exactly as the KPL does.
   */
  estimatedSize(): number {
    if (this.items.length < 2) return this.accurateSize();
    return (
      this.recordsEstimate + this.partitionKeys.estimatedSize + this.explicitHashKeys.estimatedSize
    );
  }

  /**
   * The Kinesis record's data. One record: its data bytes unchanged (a view, not a copy).
   * Two or more: a new Buffer with the aggregated record.
   */
  encode(): Buffer {
    const n = this.items.length;
    if (n === 0) throw new RangeError('Cannot encode an aggregated record with no user records');
    if (n === 1) return asBuffer(this.items[0].data);

    const protobufSize = this.protobufSize();
    const out = Buffer.allocUnsafe(AGGREGATION_OVERHEAD + protobufSize) as FastWriteBuffer;
    out[0] = MAGIC[0];
    out[1] = MAGIC[1];
    out[2] = MAGIC[2];
    out[3] = MAGIC[3];
    let pos = writeTable(out, MAGIC.length, TAG_PARTITION_KEY_TABLE, this.partitionKeys);
    pos = writeTable(out, pos, TAG_EXPLICIT_HASH_KEY_TABLE, this.explicitHashKeys);

    const { items, pkIndexes } = this;
    for (let i = 0; i < n; i++) {
      const data = items[i].data;
      const dataLength = data.length;
      const pkIndex = pkIndexes.at(i);
      const ehkIndex = this.ehkIndexOf(items[i]);
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
      out.set(data, pos);
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

function writeTable(out: FastWriteBuffer, pos: number, tag: number, table: KeyTable): number {
  const { keys, byteLengths } = table;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const length = byteLengths.at(i);
    out[pos++] = tag;
    pos = writeVarint(out, pos, length);
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
  }
  return pos;
}

/** Encodes records as one Kinesis record's data (see AggregatedRecordBuilder.encode). */
export function aggregate(records: Iterable<AggregatableRecord>): Buffer {
  const builder = new AggregatedRecordBuilder<AggregatableRecord>();
  for (const record of records) builder.add(record);
  return builder.encode();
}
