// PutRecordResults: the results of the records of one Kinesis record that succeeded on their
// first attempt, in one message. Per record it costs two varints instead of a whole message, and
// the shard id and sequence number are written and read once.
import { ProtocolDecodeError } from './decode-error.js';
import { LastString, WIRE_DELIMITED, WIRE_VARINT, type WireReader } from './wire-reader.js';
import { assertId, delimitedSize, varintSize, writeString, writeVarint } from './wire-write.js';

const TAG_ID = 0x08; // Message.id = 1
// Message.put_record_results = 1001, length-delimited: (1001 << 3) | 2 = 8010 as a varint.
const TAG_RESULTS = [0xca, 0x3e] as const;
const TAG_SHARD_ID = 0x0a; // 1
const TAG_SEQUENCE_NUMBER = 0x12; // 2
const TAG_DURATION = 0x18; // 3
const TAG_SOURCE_IDS = 0x22; // 4, packed
const TAG_DELAYS = 0x2a; // 5, packed

export const FIELD_PUT_RECORD_RESULTS = 1001;

/** What the records of one batch share: encoded once, copied into the batch's message. */
export function resultsHead(shardId: string, sequenceNumber: string, duration: number): Buffer {
  const sl = Buffer.byteLength(shardId);
  const ql = Buffer.byteLength(sequenceNumber);
  const head = Buffer.allocUnsafe(delimitedSize(sl) + delimitedSize(ql) + 1 + varintSize(duration));
  let o = 0;
  head[o++] = TAG_SHARD_ID;
  o = writeVarint(head, o, sl);
  o = writeString(head, o, shardId, sl);
  head[o++] = TAG_SEQUENCE_NUMBER;
  o = writeVarint(head, o, ql);
  o = writeString(head, o, sequenceNumber, ql);
  head[o++] = TAG_DURATION;
  writeVarint(head, o, duration);
  return head;
}

function packedLength(values: readonly number[], count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) n += varintSize(values[i]!);
  return n;
}

function bodySize(head: Buffer, idsLength: number, delaysLength: number): number {
  return head.length + delimitedSize(idsLength) + delimitedSize(delaysLength);
}

/** Bytes of the Message carrying the first `count` ids and delays, after `head`. */
export function putRecordResultsSize(
  id: number,
  head: Buffer,
  sourceIds: readonly number[],
  delays: readonly number[],
  count: number,
): number {
  assertId('id', id);
  const body = bodySize(head, packedLength(sourceIds, count), packedLength(delays, count));
  return 1 + varintSize(id) + 2 + varintSize(body) + body;
}

export function writePutRecordResults(
  buf: Buffer,
  offset: number,
  id: number,
  head: Buffer,
  sourceIds: readonly number[],
  delays: readonly number[],
  count: number,
): number {
  const idsLength = packedLength(sourceIds, count);
  const delaysLength = packedLength(delays, count);
  let o = offset;
  buf[o++] = TAG_ID;
  o = writeVarint(buf, o, id);
  buf[o++] = TAG_RESULTS[0];
  buf[o++] = TAG_RESULTS[1];
  o = writeVarint(buf, o, bodySize(head, idsLength, delaysLength));
  head.copy(buf, o);
  o += head.length;
  buf[o++] = TAG_SOURCE_IDS;
  o = writeVarint(buf, o, idsLength);
  for (let i = 0; i < count; i++) o = writeVarint(buf, o, sourceIds[i]!);
  buf[o++] = TAG_DELAYS;
  o = writeVarint(buf, o, delaysLength);
  for (let i = 0; i < count; i++) o = writeVarint(buf, o, delays[i]!);
  return o;
}

/** What the records of one Kinesis record share: fields 1 to 3 of PutRecordResults and ResultHead. */
export interface ResultHeadFields {
  shardId: string;
  sequenceNumber: string;
  duration: number;
}

export interface PutRecordResultsFields extends ResultHeadFields {
  sourceIds: number[];
  delays: number[];
}

const lastShardId = new LastString();
const lastSequenceNumber = new LastString();

/**
 * Reads the field the reader's last tag named into `into` when it is one of a head's (what
 * resultsHead() writes, numbered alike in both messages that carry it); false for any other.
 */
export function readHeadField(r: WireReader, into: ResultHeadFields, message: string): boolean {
  switch (r.fieldNo) {
    case 1:
      r.expect(WIRE_DELIMITED, `${message}.shard_id`);
      into.shardId = r.repeatedString(lastShardId);
      return true;
    case 2:
      r.expect(WIRE_DELIMITED, `${message}.sequence_number`);
      into.sequenceNumber = r.repeatedString(lastSequenceNumber);
      return true;
    case 3:
      r.expect(WIRE_VARINT, `${message}.duration`);
      into.duration = r.uint32();
      return true;
    default:
      return false;
  }
}

/** Reads the payload the reader is positioned on (its limit set to the payload's end). */
export function readPutRecordResults(r: WireReader): PutRecordResultsFields {
  const out: PutRecordResultsFields = {
    shardId: '',
    sequenceNumber: '',
    duration: 0,
    sourceIds: [],
    delays: [],
  };
  while (r.pos < r.limit) {
    r.tag();
    if (readHeadField(r, out, 'PutRecordResults')) continue;
    switch (r.fieldNo) {
      case 4:
        readRepeated(r, out.sourceIds, 'PutRecordResults.source_ids', false);
        break;
      case 5:
        readRepeated(r, out.delays, 'PutRecordResults.delays', true);
        break;
      default:
        r.skip();
    }
  }
  if (out.sourceIds.length !== out.delays.length) {
    throw new ProtocolDecodeError(
      `PutRecordResults has ${out.sourceIds.length} source ids but ${out.delays.length} delays`,
    );
  }
  for (const id of out.sourceIds) {
    if (!Number.isSafeInteger(id)) {
      throw new ProtocolDecodeError('PutRecordResults.source_ids holds an id above 2^53 - 1');
    }
  }
  return out;
}

/** A repeated scalar, packed or not: a parser must take both. */
function readRepeated(r: WireReader, into: number[], field: string, u32: boolean): void {
  if (r.wireType === WIRE_VARINT) {
    into.push(u32 ? r.uint32() : r.varint());
    return;
  }
  r.expect(WIRE_DELIMITED, field);
  const outer = r.enter(r.length());
  while (r.pos < r.limit) into.push(u32 ? r.uint32() : r.varint());
  r.leave(outer);
}
