// The record shapes consumers hold, brought to one. A consumer passes what its source gave it:
// the SDK v3's GetRecords record, a Lambda Kinesis event record, or our own camel-case shape.
import { AggregationArgumentError } from './argument-error.js';
import { asBuffer } from './constants.js';

/** A Kinesis record in camel case (SubscribeToShard readers, hand-built records, the KCL's view). */
export interface KinesisRecordLike {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  sequenceNumber?: string;
  approximateArrivalTimestamp?: Date;
}

/** A record as the AWS SDK v3 returns it from GetRecords (`Records[i]`). */
export interface SdkKinesisRecord {
  Data?: Uint8Array;
  PartitionKey?: string;
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: Date;
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

/** Any record deaggregate() reads. */
export type ConsumerRecord = KinesisRecordLike | SdkKinesisRecord | LambdaKinesisEventRecord;

export interface NormalizedRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
  sequenceNumber?: string;
  approximateArrivalTimestamp?: Date;
}

function requireString(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new AggregationArgumentError(field, value, 'a string');
}

function requireBytes(field: string, value: unknown): Buffer {
  if (value instanceof Uint8Array) return asBuffer(value);
  throw new AggregationArgumentError(field, value, 'a Uint8Array (or Buffer)');
}

function optional<T>(value: T | undefined, into: NormalizedRecord, key: keyof NormalizedRecord) {
  if (value !== undefined) (into as unknown as Record<string, T>)[key] = value;
}

function fromLambda(record: LambdaKinesisEventRecord): NormalizedRecord {
  const k = record.kinesis;
  if (typeof k !== 'object' || k === null) {
    throw new AggregationArgumentError(
      'record.kinesis',
      k,
      'the object a Lambda Kinesis event holds',
    );
  }
  const out: NormalizedRecord = {
    partitionKey: requireString('record.kinesis.partitionKey', k.partitionKey),
    data: Buffer.from(requireString('record.kinesis.data', k.data), 'base64'),
    sequenceNumber: requireString('record.kinesis.sequenceNumber', k.sequenceNumber),
  };
  optional(k.explicitHashKey, out, 'explicitHashKey');
  if (k.approximateArrivalTimestamp !== undefined) {
    out.approximateArrivalTimestamp = new Date(k.approximateArrivalTimestamp * 1000);
  }
  return out;
}

function fromSdk(record: SdkKinesisRecord): NormalizedRecord {
  const out: NormalizedRecord = {
    partitionKey: requireString('record.PartitionKey', record.PartitionKey),
    data: requireBytes('record.Data', record.Data),
  };
  optional(record.SequenceNumber, out, 'sequenceNumber');
  optional(record.ApproximateArrivalTimestamp, out, 'approximateArrivalTimestamp');
  return out;
}

function fromCamelCase(record: KinesisRecordLike): NormalizedRecord {
  const out: NormalizedRecord = {
    partitionKey: requireString('record.partitionKey', record.partitionKey),
    data: requireBytes('record.data', record.data),
  };
  optional(record.explicitHashKey, out, 'explicitHashKey');
  optional(record.sequenceNumber, out, 'sequenceNumber');
  optional(record.approximateArrivalTimestamp, out, 'approximateArrivalTimestamp');
  return out;
}

/** Tells the shapes apart by their one field that only they have. */
export function normalizeRecord(record: ConsumerRecord): NormalizedRecord {
  if (typeof record !== 'object' || record === null) {
    throw new AggregationArgumentError(
      'record',
      record,
      'a Kinesis record: the SDK’s ({ Data, PartitionKey, ... }), a Lambda event record ({ kinesis: { data, partitionKey, ... } }) or { data, partitionKey, ... }',
    );
  }
  if ('kinesis' in record) return fromLambda(record);
  if ('Data' in record || 'PartitionKey' in record) return fromSdk(record);
  return fromCamelCase(record as KinesisRecordLike);
}
