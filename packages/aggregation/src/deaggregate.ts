import { AGGREGATION_OVERHEAD, asBuffer, MAGIC, MD5_LENGTH } from './constants.js';
import {
  type ConsumerRecord,
  type LambdaKinesisEventRecord,
  type NormalizedRecord,
  normalizeRecord,
} from './consumer-record.js';
import { decodeAggregatedRecord, MalformedAggregateError } from './decode.js';
import { hashKeyOf, parseExplicitHashKey } from './hash-key.js';
import { md5 } from './md5.js';
import { type HashKeyRange, type ParsedHashKeyRange, parseHashKeyRange } from './shard-range.js';

/** One user record, as the producer put it. */
export interface DeaggregatedRecord {
  partitionKey: string;
  /** The explicit hash key the producer gave, if any. */
  explicitHashKey?: string;
  /** A view into the input record's bytes, not a copy. */
  data: Buffer;
  /** The Kinesis record's sequence number, shared by all user records aggregated in it. */
  sequenceNumber?: string;
  /** Position of the user record inside its aggregated Kinesis record; absent when not aggregated. */
  subSequenceNumber?: number;
  approximateArrivalTimestamp?: Date;
  /** Whether the record came out of a KPL aggregated record. */
  aggregated: boolean;
}

export interface DeaggregateOptions {
  /**
   * The hash-key range of the shard the record was read from (`shard.HashKeyRange` from
   * ListShards will do). An aggregated record holding any user record whose hash key lies
   * outside it is dropped whole, as the KCL drops it: a producer whose shard map was stale put
   * it there, and a KPL-compatible producer sends every record of it again. Records that were
   * not aggregated are always kept: Kinesis itself routed them.
   */
  hashKeyRange?: HashKeyRange;
}

function hasMagic(data: Uint8Array): boolean {
  return (
    data.length >= AGGREGATION_OVERHEAD &&
    data[0] === MAGIC[0] &&
    data[1] === MAGIC[1] &&
    data[2] === MAGIC[2] &&
    data[3] === MAGIC[3]
  );
}

function checksumMatches(data: Buffer): boolean {
  const protobufEnd = data.length - MD5_LENGTH;
  return md5(data.subarray(MAGIC.length, protobufEnd)).equals(data.subarray(protobufEnd));
}

/**
 * Whether the bytes are a KPL aggregated record: they start with the magic and end with the MD5
 * of what lies between. (The protobuf itself is not parsed here.)
 */
export function isAggregated(data: Uint8Array): boolean {
  return hasMagic(data) && checksumMatches(asBuffer(data));
}

function passThrough(record: NormalizedRecord): DeaggregatedRecord {
  const out: DeaggregatedRecord = {
    partitionKey: record.partitionKey,
    data: record.data,
    aggregated: false,
  };
  if (record.explicitHashKey !== undefined) out.explicitHashKey = record.explicitHashKey;
  if (record.sequenceNumber !== undefined) out.sequenceNumber = record.sequenceNumber;
  if (record.approximateArrivalTimestamp !== undefined) {
    out.approximateArrivalTimestamp = record.approximateArrivalTimestamp;
  }
  return out;
}

// A member whose explicit hash key is not a hash key at all belongs to no shard.
function inRange(
  range: ParsedHashKeyRange,
  partitionKey: string,
  explicitHashKey: string | undefined,
): boolean {
  const key =
    explicitHashKey === undefined ? hashKeyOf(partitionKey) : parseExplicitHashKey(explicitHashKey);
  return key !== undefined && key >= range.start && key <= range.end;
}

/**
 * Splits a Kinesis record into the user records a KPL producer aggregated into it.
 *
 * `record` may be the AWS SDK v3's GetRecords record (`{ Data, PartitionKey, SequenceNumber,
 * ... }`), a Lambda Kinesis event record (`{ kinesis: { data, partitionKey, ... }, ... }`) or
 * `{ data, partitionKey, sequenceNumber?, ... }`.
 *
 * - A record that is not aggregated (no magic, or too short to hold magic and MD5) comes back as
 *   one record with `aggregated: false` and no `subSequenceNumber`.
 * - An aggregated record yields its user records in order, each with its own partition key and
 *   explicit hash key, the Kinesis record's sequence number and `subSequenceNumber` = position.
 *   With `options.hashKeyRange`, an aggregated record with any user record whose hash key lies
 *   outside the shard's range yields nothing (the KCL's rule: the producer sent it again).
 * - A record that starts with the magic but whose MD5 does not match, whose protobuf does not
 *   parse, or whose key indices point outside the tables is **returned as it is**, as one
 *   non-aggregated record, never thrown. This is what the KCL does: such bytes may well be a
 *   plain record that happens to start with the magic, so no data is dropped.
 *
 * Throws AggregationArgumentError when the record or the range is not one of the accepted
 * shapes. The returned `data` buffers are views into the record's bytes (a copy decoded from
 * base64 for a Lambda record); copy them to keep them past a change to the input.
 */
export function deaggregate(
  record: ConsumerRecord,
  options: DeaggregateOptions = {},
): DeaggregatedRecord[] {
  const range =
    options.hashKeyRange === undefined ? undefined : parseHashKeyRange(options.hashKeyRange);
  const input = normalizeRecord(record);
  const data = input.data;
  if (!hasMagic(data) || !checksumMatches(data)) return [passThrough(input)];

  let decoded: ReturnType<typeof decodeAggregatedRecord>;
  try {
    decoded = decodeAggregatedRecord(data, MAGIC.length, data.length - MD5_LENGTH);
  } catch (error) {
    if (error instanceof MalformedAggregateError) return [passThrough(input)];
    throw error;
  }

  if (range && !decoded.every((u) => inRange(range, u.partitionKey, u.explicitHashKey))) return [];
  const out: DeaggregatedRecord[] = [];
  for (let i = 0; i < decoded.length; i++) {
    const user = decoded[i];
    const r: DeaggregatedRecord = {
      partitionKey: user.partitionKey,
      data: data.subarray(user.dataStart, user.dataEnd),
      subSequenceNumber: i,
      aggregated: true,
    };
    if (user.explicitHashKey !== undefined) r.explicitHashKey = user.explicitHashKey;
    if (input.sequenceNumber !== undefined) r.sequenceNumber = input.sequenceNumber;
    if (input.approximateArrivalTimestamp !== undefined) {
      r.approximateArrivalTimestamp = input.approximateArrivalTimestamp;
    }
    out.push(r);
  }
  return out;
}

/**
 * deaggregate() for a record of a Lambda Kinesis event. Kept for existing callers: deaggregate()
 * takes the Lambda record itself.
 */
export function deaggregateLambdaRecord(
  record: LambdaKinesisEventRecord,
  options: DeaggregateOptions = {},
): DeaggregatedRecord[] {
  return deaggregate(record, options);
}
