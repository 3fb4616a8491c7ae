import { toBinary } from '@bufbuild/protobuf';
import { type Message, MessageSchema } from './gen/messages_pb.js';
import type { AttemptFields, PutRecordFields, PutRecordResultFields } from './hot-fields.js';
import {
  assertId,
  assertUint32,
  delimitedSize,
  utf8Length,
  varintSize,
  writeString,
  writeVarint,
} from './wire-write.js';

// Tags are (field number << 3) | wire type; 0 = varint, 2 = length-delimited. Fields are written
// in ascending number, which is the order protobuf-es uses, so the bytes match toBinary exactly.
const TAG_ID = 0x08; // Message.id = 1
const TAG_SOURCE_ID = 0x10; // Message.source_id = 2
const TAG_PUT_RECORD = 0x1a; // Message.put_record = 3
const TAG_PUT_RECORD_RESULT = 0x2a; // Message.put_record_result = 5
const TAG_STREAM_NAME = 0x0a; // PutRecord.stream_name = 1
const TAG_PARTITION_KEY = 0x12; // PutRecord.partition_key = 2
const TAG_EXPLICIT_HASH_KEY = 0x1a; // PutRecord.explicit_hash_key = 3
const TAG_DATA = 0x22; // PutRecord.data = 4
const TAG_ATTEMPT = 0x0a; // PutRecordResult.attempts = 1
const TAG_RESULT_SUCCESS = 0x10; // PutRecordResult.success = 2
const TAG_SHARD_ID = 0x1a; // PutRecordResult.shard_id = 3
const TAG_SEQUENCE_NUMBER = 0x22; // PutRecordResult.sequence_number = 4
const TAG_DELAY = 0x08; // Attempt.delay = 1
const TAG_DURATION = 0x10; // Attempt.duration = 2
const TAG_ATTEMPT_SUCCESS = 0x18; // Attempt.success = 3
const TAG_ERROR_CODE = 0x22; // Attempt.error_code = 4
const TAG_ERROR_MESSAGE = 0x2a; // Attempt.error_message = 5

function putRecordBodySize(snLen: number, pkLen: number, ehkLen: number, dataLen: number): number {
  return (
    delimitedSize(snLen) +
    delimitedSize(pkLen) +
    (ehkLen < 0 ? 0 : delimitedSize(ehkLen)) +
    delimitedSize(dataLen)
  );
}

// A frame is sized, then written, record by record: the UTF-8 lengths measured for the size are
// kept for the write that follows, and the stream name's for as long as it repeats.
let measured: PutRecordFields | undefined;
let measuredKey = 0;
let measuredHashKey = -1;
let lastStream = '';
let lastStreamBytes = 0;

function streamNameBytes(name: string): number {
  if (name !== lastStream) {
    lastStream = name;
    lastStreamBytes = Buffer.byteLength(name);
  }
  return lastStreamBytes;
}

/** Bytes of the Message carrying `r` (the frame header not included). */
export function putRecordSize(id: number, r: PutRecordFields): number {
  assertId('id', id);
  measured = r;
  measuredKey = utf8Length(r.partitionKey);
  measuredHashKey = r.explicitHashKey === undefined ? -1 : utf8Length(r.explicitHashKey);
  const body = putRecordBodySize(
    streamNameBytes(r.streamName),
    measuredKey,
    measuredHashKey,
    r.data.length,
  );
  return 1 + varintSize(id) + delimitedSize(body);
}

/** Writes the Message carrying `r` at `offset`; returns the offset after it. */
export function writePutRecord(
  buf: Buffer,
  offset: number,
  id: number,
  r: PutRecordFields,
): number {
  assertId('id', id);
  const snLen = streamNameBytes(r.streamName);
  const ehk = r.explicitHashKey;
  let pkLen: number;
  let ehkLen: number;
  if (r === measured) {
    pkLen = measuredKey;
    ehkLen = measuredHashKey;
    measured = undefined;
  } else {
    pkLen = utf8Length(r.partitionKey);
    ehkLen = ehk === undefined ? -1 : utf8Length(ehk);
  }
  const data = r.data;
  let o = offset;
  buf[o++] = TAG_ID;
  o = writeVarint(buf, o, id);
  buf[o++] = TAG_PUT_RECORD;
  o = writeVarint(buf, o, putRecordBodySize(snLen, pkLen, ehkLen, data.length));
  buf[o++] = TAG_STREAM_NAME;
  o = writeVarint(buf, o, snLen);
  o = writeString(buf, o, r.streamName, snLen);
  buf[o++] = TAG_PARTITION_KEY;
  o = writeVarint(buf, o, pkLen);
  o = writeString(buf, o, r.partitionKey, pkLen);
  if (ehk !== undefined) {
    buf[o++] = TAG_EXPLICIT_HASH_KEY;
    o = writeVarint(buf, o, ehkLen);
    o = writeString(buf, o, ehk, ehkLen);
  }
  buf[o++] = TAG_DATA;
  o = writeVarint(buf, o, data.length);
  buf.set(data, o);
  return o + data.length;
}

function optionalStringSize(text: string | undefined): number {
  return text === undefined ? 0 : delimitedSize(Buffer.byteLength(text));
}

function attemptBodySize(a: AttemptFields): number {
  assertUint32('attempt delay', a.delay);
  assertUint32('attempt duration', a.duration);
  return (
    1 +
    varintSize(a.delay) +
    1 +
    varintSize(a.duration) +
    2 +
    optionalStringSize(a.errorCode) +
    optionalStringSize(a.errorMessage)
  );
}

function resultBodySize(r: PutRecordResultFields): number {
  let size = 2 + optionalStringSize(r.shardId) + optionalStringSize(r.sequenceNumber);
  for (const a of r.attempts) size += delimitedSize(attemptBodySize(a));
  return size;
}

/** Bytes of the Message answering request `sourceId` with `r` (the frame header not included). */
export function putRecordResultSize(
  id: number,
  sourceId: number,
  r: PutRecordResultFields,
): number {
  assertId('id', id);
  assertId('sourceId', sourceId);
  return 1 + varintSize(id) + 1 + varintSize(sourceId) + delimitedSize(resultBodySize(r));
}

function writeOptionalString(
  buf: Buffer,
  o: number,
  tag: number,
  text: string | undefined,
): number {
  if (text === undefined) return o;
  const len = Buffer.byteLength(text);
  buf[o++] = tag;
  o = writeVarint(buf, o, len);
  return writeString(buf, o, text, len);
}

/** Writes the Message answering request `sourceId` with `r`; returns the offset after it. */
export function writePutRecordResult(
  buf: Buffer,
  offset: number,
  id: number,
  sourceId: number,
  r: PutRecordResultFields,
): number {
  assertId('id', id);
  assertId('sourceId', sourceId);
  let o = offset;
  buf[o++] = TAG_ID;
  o = writeVarint(buf, o, id);
  buf[o++] = TAG_SOURCE_ID;
  o = writeVarint(buf, o, sourceId);
  buf[o++] = TAG_PUT_RECORD_RESULT;
  o = writeVarint(buf, o, resultBodySize(r));
  for (const a of r.attempts) {
    buf[o++] = TAG_ATTEMPT;
    o = writeVarint(buf, o, attemptBodySize(a));
    buf[o++] = TAG_DELAY;
    o = writeVarint(buf, o, a.delay);
    buf[o++] = TAG_DURATION;
    o = writeVarint(buf, o, a.duration);
    buf[o++] = TAG_ATTEMPT_SUCCESS;
    buf[o++] = a.successful ? 1 : 0;
    o = writeOptionalString(buf, o, TAG_ERROR_CODE, a.errorCode);
    o = writeOptionalString(buf, o, TAG_ERROR_MESSAGE, a.errorMessage);
  }
  buf[o++] = TAG_RESULT_SUCCESS;
  buf[o++] = r.successful ? 1 : 0;
  o = writeOptionalString(buf, o, TAG_SHARD_ID, r.shardId);
  return writeOptionalString(buf, o, TAG_SEQUENCE_NUMBER, r.sequenceNumber);
}

/**
 * The end of a successful result — success, shard id, sequence number — which every user record
 * of one Kinesis record shares: encoded once, copied into each of their results.
 */
export function successTail(shardId: string, sequenceNumber: string): Buffer {
  const sl = Buffer.byteLength(shardId);
  const ql = Buffer.byteLength(sequenceNumber);
  const tail = Buffer.allocUnsafe(2 + delimitedSize(sl) + delimitedSize(ql));
  let o = 0;
  tail[o++] = TAG_RESULT_SUCCESS;
  tail[o++] = 1;
  tail[o++] = TAG_SHARD_ID;
  o = writeVarint(tail, o, sl);
  o = writeString(tail, o, shardId, sl);
  tail[o++] = TAG_SEQUENCE_NUMBER;
  o = writeVarint(tail, o, ql);
  writeString(tail, o, sequenceNumber, ql);
  return tail;
}

function oneAttemptSize(delay: number, duration: number): number {
  return 1 + varintSize(delay) + 1 + varintSize(duration) + 2;
}

function successBodySize(delay: number, duration: number, tail: Buffer): number {
  return delimitedSize(oneAttemptSize(delay, duration)) + tail.length;
}

/** Bytes of a result with one successful attempt and a tail from successTail(). */
export function successResultSize(
  id: number,
  sourceId: number,
  delay: number,
  duration: number,
  tail: Buffer,
): number {
  assertId('id', id);
  assertId('sourceId', sourceId);
  assertUint32('attempt delay', delay);
  assertUint32('attempt duration', duration);
  return (
    1 +
    varintSize(id) +
    1 +
    varintSize(sourceId) +
    delimitedSize(successBodySize(delay, duration, tail))
  );
}

/** Writes what successResultSize() measured; the bytes equal writePutRecordResult's. */
export function writeSuccessResult(
  buf: Buffer,
  offset: number,
  id: number,
  sourceId: number,
  delay: number,
  duration: number,
  tail: Buffer,
): number {
  let o = offset;
  buf[o++] = TAG_ID;
  o = writeVarint(buf, o, id);
  buf[o++] = TAG_SOURCE_ID;
  o = writeVarint(buf, o, sourceId);
  buf[o++] = TAG_PUT_RECORD_RESULT;
  o = writeVarint(buf, o, successBodySize(delay, duration, tail));
  buf[o++] = TAG_ATTEMPT;
  o = writeVarint(buf, o, oneAttemptSize(delay, duration));
  buf[o++] = TAG_DELAY;
  o = writeVarint(buf, o, delay);
  buf[o++] = TAG_DURATION;
  o = writeVarint(buf, o, duration);
  buf[o++] = TAG_ATTEMPT_SUCCESS;
  buf[o++] = 1;
  tail.copy(buf, o);
  return o + tail.length;
}

/** Any message, through protobuf-es: the path for everything that is not per record. */
export function encodeMessage(m: Message): Uint8Array {
  return toBinary(MessageSchema, m);
}
