// Checks of each record at the call site, so a bad record fails alone and at once. One function
// per field, each returning the value as it is sent, so the add path allocates nothing to check.
// The wrapper and the standalone CLI take records from users alike, so both use these.
import { isStreamArn, streamArnProblem } from '@kinesis-producer/protocol';
import { describeValue, KinesisProducerError } from './option-errors.js';

/** An argument of a call was wrong. Names the field, what it got and what is allowed. */
export class ValidationError extends KinesisProducerError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super('ERR_INVALID_ARGUMENT', `Invalid ${field}: got ${describeValue(value)}; ${allowed}.`);
  }
}

export interface UserRecord {
  streamName: string;
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal integer in [0, 2^128 - 1]; overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
  /**
   * Send through the AWS Glue Schema Registry: `data` (already serialized in this schema's format)
   * goes out with the GSR header that names the schema version (docs/schema-registry.md).
   */
  schema?: Schema;
}

/** A schema of the AWS Glue Schema Registry, as the KPL's `Schema`. */
export interface Schema {
  /** The schema's name in the registry. */
  name: string;
  /** The schema definition text (an Avro schema, a JSON Schema or a .proto file). */
  definition: string;
  dataFormat: 'AVRO' | 'JSON' | 'PROTOBUF';
}

const MAX_HASH_KEY = 2n ** 128n - 1n;
const DIGITS = /^\d+$/;
const EMPTY = new Uint8Array(0);

export interface CheckedRecord {
  streamName: string;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
}

// Nearly every record names the stream the previous one did (an ARN was checked for a region).
let lastStreamName = '';
let lastRegion = '';

/**
 * The stream name or ARN without surrounding whitespace. An ARN must be of a Kinesis stream in
 * `region`, the producer's ('' while it is still being looked up: the daemon checks it then).
 */
export function checkedStreamName(streamName: unknown, region = ''): string {
  if (streamName === lastStreamName && region === lastRegion && streamName !== '') {
    return streamName;
  }
  const trimmed = typeof streamName === 'string' ? streamName.trim() : '';
  if (trimmed === '') {
    throw new ValidationError(
      'streamName',
      streamName,
      'a non-empty string (a stream name or ARN) is required',
    );
  }
  const problem = isStreamArn(trimmed) ? streamArnProblem(trimmed, region) : undefined;
  if (problem !== undefined) throw new ValidationError('streamName', streamName, problem);
  if (trimmed === streamName) {
    lastStreamName = trimmed;
    lastRegion = region;
  }
  return trimmed;
}

export function checkedPartitionKey(partitionKey: unknown): string {
  if (typeof partitionKey !== 'string') {
    throw new ValidationError(
      'partitionKey',
      partitionKey,
      'a string of 1 to 256 UTF-16 code units is required',
    );
  }
  // Kinesis (and the KPL) count UTF-16 code units: a character outside the Basic Multilingual
  // Plane, such as an emoji, counts twice. Counting code points would let through keys the
  // service refuses, and with them the whole request they travel in.
  const length = partitionKey.length;
  if (length < 1 || length > 256) {
    throw new ValidationError(
      'partitionKey',
      partitionKey,
      `a string of 1 to 256 UTF-16 code units is required (it has ${length}; characters outside the Basic Multilingual Plane count as 2)`,
    );
  }
  return partitionKey;
}

/** The data as bytes (a string is sent as its UTF-8). */
export function checkedData(data: unknown, maxDataBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data === undefined || data === null) bytes = EMPTY;
  else throw new ValidationError('data', data, 'a Uint8Array (or Buffer) or a string is required');
  if (bytes.byteLength > maxDataBytes) {
    throw new ValidationError(
      'data',
      bytes,
      `at most ${maxDataBytes} bytes are allowed (maxUserRecordSize)`,
    );
  }
  return bytes;
}

/** The key in normal form ("007" → "7"), or undefined when none was given. */
export function checkedExplicitHashKey(explicitHashKey: unknown): string | undefined {
  if (explicitHashKey === undefined || explicitHashKey === null) return undefined;
  const text = typeof explicitHashKey === 'string' ? explicitHashKey.trim() : explicitHashKey;
  if (typeof text !== 'string' || !DIGITS.test(text) || BigInt(text) > MAX_HASH_KEY) {
    throw new ValidationError(
      'explicitHashKey',
      explicitHashKey,
      'a decimal integer from 0 to 2^128-1 (340282366920938463463374607431768211455) is required',
    );
  }
  // Normalized as the KPL does, so equal keys share an aggregation table entry.
  return text.length > 1 && text[0] === '0' ? BigInt(text).toString() : text;
}

export function checkRecord(r: UserRecord, maxDataBytes: number): CheckedRecord {
  return {
    streamName: checkedStreamName(r.streamName),
    partitionKey: checkedPartitionKey(r.partitionKey),
    data: checkedData(r.data, maxDataBytes),
    explicitHashKey: checkedExplicitHashKey(r.explicitHashKey),
  };
}
