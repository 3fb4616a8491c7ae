import { AGGREGATION_OVERHEAD, asBuffer, MAGIC, MD5_LENGTH } from './constants.js';
import { decodeAggregatedRecord, MalformedAggregateError } from './decode.js';
import { md5 } from './md5.js';

/** A Kinesis record as a consumer receives it (GetRecords, SubscribeToShard, the KCL). */
export interface KinesisRecordLike {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  sequenceNumber?: string;
  approximateArrivalTimestamp?: Date;
}

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

/** A record of a Lambda Kinesis event (`event.Records[i]`). */
export interface LambdaKinesisEventRecord {
  kinesis: {
    partitionKey: string;
    /** Base64. */
    data: string;
    sequenceNumber: string;
    explicitHashKey?: string;
    /** Seconds since the epoch, with a fractional part. */
    approximateArrivalTimestamp?: number;
  };
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

function passThrough(record: KinesisRecordLike, data: Buffer): DeaggregatedRecord {
  const out: DeaggregatedRecord = { partitionKey: record.partitionKey, data, aggregated: false };
  if (record.explicitHashKey !== undefined) out.explicitHashKey = record.explicitHashKey;
  if (record.sequenceNumber !== undefined) out.sequenceNumber = record.sequenceNumber;
  if (record.approximateArrivalTimestamp !== undefined) {
    out.approximateArrivalTimestamp = record.approximateArrivalTimestamp;
  }
  return out;
}

/**
 * Splits a Kinesis record into the user records a KPL producer aggregated into it.
 *
 * - A record that is not aggregated (no magic, or too short to hold magic and MD5) comes back as
 *   one record with `aggregated: false` and no `subSequenceNumber`.
 * - An aggregated record yields its user records in order, each with its own partition key and
 *   explicit hash key, the Kinesis record's sequence number and `subSequenceNumber` = position.
 * - A record that starts with the magic but whose MD5 does not match, whose protobuf does not
 *   parse, or whose key indices point outside the tables is **returned as it is**, as one
 *   non-aggregated record, never thrown. This is what the KCL does: such bytes may well be a
 *   plain record that happens to start with the magic, so no data is dropped.
 *
 * The returned `data` buffers are views into `record.data`; copy them to keep them past a change
 * to the input.
 */
export function deaggregate(record: KinesisRecordLike): DeaggregatedRecord[] {
  const data = asBuffer(record.data);
  if (!hasMagic(data) || !checksumMatches(data)) return [passThrough(record, data)];

  let decoded: ReturnType<typeof decodeAggregatedRecord>;
  try {
    decoded = decodeAggregatedRecord(data, MAGIC.length, data.length - MD5_LENGTH);
  } catch (error) {
    if (error instanceof MalformedAggregateError) return [passThrough(record, data)];
    throw error;
  }

  const out: DeaggregatedRecord[] = new Array(decoded.length);
  for (let i = 0; i < decoded.length; i++) {
    const user = decoded[i];
    const r: DeaggregatedRecord = {
      partitionKey: user.partitionKey,
      data: data.subarray(user.dataStart, user.dataEnd),
      subSequenceNumber: i,
      aggregated: true,
    };
    if (user.explicitHashKey !== undefined) r.explicitHashKey = user.explicitHashKey;
    if (record.sequenceNumber !== undefined) r.sequenceNumber = record.sequenceNumber;
    if (record.approximateArrivalTimestamp !== undefined) {
      r.approximateArrivalTimestamp = record.approximateArrivalTimestamp;
    }
    out[i] = r;
  }
  return out;
}

/**
 * deaggregate() for a record of a Lambda Kinesis event, whose data is base64 text.
 *
 * ```ts
 * export const handler = async (event: { Records: LambdaKinesisEventRecord[] }) => {
 *   for (const record of event.Records) {
 *     for (const user of deaggregateLambdaRecord(record)) handle(user.partitionKey, user.data);
 *   }
 * };
 * ```
 */
export function deaggregateLambdaRecord(record: LambdaKinesisEventRecord): DeaggregatedRecord[] {
  const k = record.kinesis;
  return deaggregate({
    partitionKey: k.partitionKey,
    explicitHashKey: k.explicitHashKey,
    data: Buffer.from(k.data, 'base64'),
    sequenceNumber: k.sequenceNumber,
    approximateArrivalTimestamp:
      k.approximateArrivalTimestamp === undefined
        ? undefined
        : new Date(k.approximateArrivalTimestamp * 1000),
  });
}
