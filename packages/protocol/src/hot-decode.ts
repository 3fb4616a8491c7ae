import { fromBinary } from '@bufbuild/protobuf';
import {
  FIELD_PUT_RECORD_RESULTS,
  type PutRecordResultsFields,
  readPutRecordResults,
} from './batch-codec.js';
import { ProtocolDecodeError } from './decode-error.js';
import { type Message, MessageSchema } from './gen/messages_pb.js';
import {
  FIELD_GROUPED_RESULTS,
  type GroupedResultsFields,
  readGroupedResults,
} from './grouped-codec.js';
import type { AttemptFields, DecodedPutRecord, PutRecordResultFields } from './hot-fields.js';
import { findMissingRequired } from './required-fields.js';
import { type Interned, StringInterner } from './string-interner.js';
import { LastString, WIRE_DELIMITED, WIRE_VARINT, WireReader } from './wire-reader.js';

const lastStreamName = new LastString();
const lastShardId = new LastString();
const lastSequenceNumber = new LastString();
// Partition keys recur (device ids, user ids). The daemon passes its own interner, whose entries
// carry its per-key state; other readers share this one, made when first needed (the wrapper,
// which decodes only results, never pays for its table).
let partitionKeys: StringInterner | undefined;
const reader = new WireReader(Buffer.alloc(0));

export type Decoded<K extends Interned = Interned> =
  | { kind: 'putRecord'; id: number; record: DecodedPutRecord<K> }
  | { kind: 'putRecordResult'; id: number; sourceId: number; result: PutRecordResultFields }
  | { kind: 'putRecordResults'; id: number; results: PutRecordResultsFields }
  | { kind: 'groupedResults'; id: number; results: GroupedResultsFields }
  | { kind: 'other'; id: number; message: Message };

const FIELD_PUT_RECORD = 3;
const FIELD_PUT_RECORD_RESULT = 5;

function isPayloadField(no: number): boolean {
  return (
    (no >= 3 && no <= 10) ||
    no === 1000 ||
    no === FIELD_PUT_RECORD_RESULTS ||
    no === FIELD_GROUPED_RESULTS
  );
}

function missing(field: string): ProtocolDecodeError {
  return new ProtocolDecodeError(`required field ${field} is missing`);
}

function safeId(field: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new ProtocolDecodeError(`${field} is above 2^53 - 1, which this protocol never uses`);
  }
  return value;
}

/**
 * Decodes one frame's payload: all of `bytes`, or bytes `start` to `end` of it. PutRecord and PutRecordResult, one per user record, are read by
 * hand; every other message goes through protobuf-es. Either way the result is checked for the
 * proto2 `required` fields, and anything malformed throws ProtocolDecodeError.
 *
 * Choices where protobuf allows latitude:
 * - A Message with two payload fields (the oneof set twice) is rejected. protobuf would keep the
 *   last one, but no writer of this protocol produces that, so it can only mean corruption.
 * - A known field with the wrong wire type is rejected (protobuf-es would misread it).
 * - Other repeated scalar fields follow protobuf: the last occurrence wins.
 * - A Message without a known payload is rejected: neither side could act on it (the KPL daemon
 *   logs and drops it; a caller that wants that can catch the error).
 * - Invalid UTF-8 in strings becomes U+FFFD, as protobuf-es does, rather than failing.
 * - `id` of a hot message (and `sourceId` of a result) must be a safe integer. For other
 *   messages `id` is Number(message.id), inexact above 2^53 - 1; message.id is exact.
 * - PutRecord.data is a view into `bytes`, not a copy, made when read (dataBytes, dataStart and
 *   dataLength say where it lies without making one).
 * - PutRecord.partition_key also comes as its entry in `keys`: equal keys, one entry.
 *
 * With `reuse`, a PutRecord comes back in the same two objects on every call, overwritten by the
 * next decode: for a reader that takes what it needs from a record before decoding the next (the
 * daemon), that is two allocations less per record.
 */
export function decodeMessage<K extends Interned = Interned>(
  bytes: Uint8Array,
  keys: StringInterner<K> = (partitionKeys ??= new StringInterner()) as StringInterner<K>,
  start = 0,
  end: number = bytes.length,
  reuse = false,
): Decoded<K> {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // One reader for every message: decoding never calls out, so it is never needed twice at once.
  const r = reader;
  r.reset(buf, start, end);
  let id = -1;
  let sourceId = -1;
  let payload = 0;
  let payloadStart = 0;
  let payloadLength = 0;
  while (r.pos < r.limit) {
    r.tag();
    const no = r.fieldNo;
    if (no === 1) {
      r.expect(WIRE_VARINT, 'Message.id');
      id = r.varint();
    } else if (no === 2) {
      r.expect(WIRE_VARINT, 'Message.source_id');
      sourceId = r.varint();
    } else if (isPayloadField(no)) {
      // The field's name is made only for the error: a template string here was one per frame.
      if (r.wireType !== WIRE_DELIMITED) r.expect(WIRE_DELIMITED, `Message field ${no}`);
      if (payload !== 0) {
        throw new ProtocolDecodeError(`Message carries two payloads (fields ${payload} and ${no})`);
      }
      payload = no;
      payloadLength = r.length();
      payloadStart = r.pos;
      r.pos += payloadLength;
    } else {
      r.skip();
    }
  }
  if (id < 0) throw missing('Message.id');

  if (payload === FIELD_PUT_RECORD) {
    r.pos = payloadStart;
    r.limit = payloadStart + payloadLength;
    const messageId = safeId('Message.id', id);
    const record = readPutRecord(r, keys, reuse ? (reusedRecord as DecodedRecord<K>) : undefined);
    if (!reuse) return { kind: 'putRecord', id: messageId, record };
    reusedPutRecord.id = messageId;
    reusedPutRecord.record = record;
    return reusedPutRecord as Decoded<K>;
  }
  if (payload === FIELD_PUT_RECORD_RESULT) {
    if (sourceId < 0) throw missing('Message.source_id (of a put_record_result)');
    r.pos = payloadStart;
    r.limit = payloadStart + payloadLength;
    return {
      kind: 'putRecordResult',
      id: safeId('Message.id', id),
      sourceId: safeId('Message.source_id', sourceId),
      result: readPutRecordResult(r),
    };
  }
  if (payload === FIELD_PUT_RECORD_RESULTS) {
    r.pos = payloadStart;
    r.limit = payloadStart + payloadLength;
    return { kind: 'putRecordResults', id, results: readPutRecordResults(r) };
  }
  if (payload === FIELD_GROUPED_RESULTS) {
    r.pos = payloadStart;
    r.limit = payloadStart + payloadLength;
    return { kind: 'groupedResults', id, results: readGroupedResults(r) };
  }
  if (payload === 0) {
    throw new ProtocolDecodeError(
      `Message ${id} carries no payload this protocol knows (its oneof is empty or unknown)`,
    );
  }
  return decodeOther(buf.subarray(start, end));
}

function decodeOther<K extends Interned>(bytes: Uint8Array): Decoded<K> {
  let message: Message;
  try {
    message = fromBinary(MessageSchema, bytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ProtocolDecodeError(`cannot decode Message: ${reason}`, { cause: e });
  }
  const absent = findMissingRequired(MessageSchema, message);
  if (absent !== undefined) throw missing(`Message.${absent}`);
  return { kind: 'other', id: Number(message.id), message };
}

function readPutRecord<K extends Interned>(
  r: WireReader,
  keys: StringInterner<K>,
  into: DecodedRecord<K> | undefined,
): DecodedPutRecord<K> {
  let streamName: string | undefined;
  let partitionKey: K | undefined;
  let partitionKeyStart = 0;
  let explicitHashKey: string | undefined;
  let dataStart = -1;
  let dataLength = 0;
  while (r.pos < r.limit) {
    r.tag();
    switch (r.fieldNo) {
      case 1:
        r.expect(WIRE_DELIMITED, 'PutRecord.stream_name');
        streamName = r.repeatedString(lastStreamName);
        break;
      case 2:
        r.expect(WIRE_DELIMITED, 'PutRecord.partition_key');
        partitionKey = r.internedString(keys);
        partitionKeyStart = r.pos - partitionKey.byteLength;
        break;
      case 3:
        r.expect(WIRE_DELIMITED, 'PutRecord.explicit_hash_key');
        explicitHashKey = r.string();
        break;
      case 4:
        r.expect(WIRE_DELIMITED, 'PutRecord.data');
        dataLength = r.length();
        dataStart = r.pos;
        r.pos += dataLength;
        break;
      default:
        r.skip();
    }
  }
  if (streamName === undefined) throw missing('PutRecord.stream_name');
  if (partitionKey === undefined) throw missing('PutRecord.partition_key');
  if (dataStart < 0) throw missing('PutRecord.data');
  if (into !== undefined) {
    into.streamName = streamName;
    into.explicitHashKey = explicitHashKey;
    into.partitionKeyEntry = partitionKey;
    into.dataBytes = r.buf;
    into.partitionKeyStart = partitionKeyStart;
    into.dataStart = dataStart;
    into.dataLength = dataLength;
    return into;
  }
  return new DecodedRecord(
    streamName,
    explicitHashKey,
    partitionKey,
    r.buf,
    partitionKeyStart,
    dataStart,
    dataLength,
  );
}

/**
 * The data is kept as where it lies rather than as a view made for every record: the daemon
 * keeps the offsets (see UserRecord), so a view made here would only be garbage.
 */
class DecodedRecord<K extends Interned> implements DecodedPutRecord<K> {
  constructor(
    public streamName: string,
    public explicitHashKey: string | undefined,
    public partitionKeyEntry: K,
    public dataBytes: Uint8Array,
    public partitionKeyStart: number,
    public dataStart: number,
    public dataLength: number,
  ) {}

  /** From the key's entry, which makes it only when asked (see MakeEntry). */
  get partitionKey(): string {
    return this.partitionKeyEntry.text;
  }

  /** A view of the data in the input, not a copy (made on each read). */
  get data(): Uint8Array {
    const b = this.dataBytes;
    return new Uint8Array(b.buffer, b.byteOffset + this.dataStart, this.dataLength);
  }
}

/** What decodeMessage hands out again and again with `reuse`. */
const reusedRecord = new DecodedRecord<Interned>(
  '',
  undefined,
  { text: '', byteLength: 0 },
  new Uint8Array(0),
  0,
  0,
  0,
);
const reusedPutRecord: { kind: 'putRecord'; id: number; record: DecodedPutRecord<Interned> } = {
  kind: 'putRecord',
  id: 0,
  record: reusedRecord,
};

function readPutRecordResult(r: WireReader): PutRecordResultFields {
  const attempts: AttemptFields[] = [];
  let success: boolean | undefined;
  let shardId: string | undefined;
  let sequenceNumber: string | undefined;
  while (r.pos < r.limit) {
    r.tag();
    switch (r.fieldNo) {
      case 1: {
        r.expect(WIRE_DELIMITED, 'PutRecordResult.attempts');
        const outer = r.enter(r.length());
        attempts.push(readAttempt(r));
        r.leave(outer);
        break;
      }
      case 2:
        r.expect(WIRE_VARINT, 'PutRecordResult.success');
        success = r.bool();
        break;
      case 3:
        r.expect(WIRE_DELIMITED, 'PutRecordResult.shard_id');
        shardId = r.repeatedString(lastShardId);
        break;
      case 4:
        r.expect(WIRE_DELIMITED, 'PutRecordResult.sequence_number');
        sequenceNumber = r.repeatedString(lastSequenceNumber);
        break;
      default:
        r.skip();
    }
  }
  if (success === undefined) throw missing('PutRecordResult.success');
  return { attempts, successful: success, shardId, sequenceNumber };
}

function readAttempt(r: WireReader): AttemptFields {
  let delay: number | undefined;
  let duration: number | undefined;
  let success: boolean | undefined;
  let errorCode: string | undefined;
  let errorMessage: string | undefined;
  while (r.pos < r.limit) {
    r.tag();
    switch (r.fieldNo) {
      case 1:
        r.expect(WIRE_VARINT, 'Attempt.delay');
        delay = r.uint32();
        break;
      case 2:
        r.expect(WIRE_VARINT, 'Attempt.duration');
        duration = r.uint32();
        break;
      case 3:
        r.expect(WIRE_VARINT, 'Attempt.success');
        success = r.bool();
        break;
      case 4:
        r.expect(WIRE_DELIMITED, 'Attempt.error_code');
        errorCode = r.string();
        break;
      case 5:
        r.expect(WIRE_DELIMITED, 'Attempt.error_message');
        errorMessage = r.string();
        break;
      default:
        r.skip();
    }
  }
  if (delay === undefined) throw missing('Attempt.delay');
  if (duration === undefined) throw missing('Attempt.duration');
  if (success === undefined) throw missing('Attempt.success');
  return { delay, duration, successful: success, errorCode, errorMessage };
}
