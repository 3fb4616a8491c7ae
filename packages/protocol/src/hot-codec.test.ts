// The hand-written codec of the hot messages against protobuf-es: the same bytes, the same fields.
import { equals, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
import { MessageSchema } from './gen/messages_pb.js';
import {
  decodeMessage,
  encodeMessage,
  type PutRecordResultFields,
  putRecordResultSize,
  putRecordSize,
  successResultSize,
  successTail,
  writePutRecord,
  writePutRecordResult,
  writeSuccessResult,
} from './hot-codec.js';
import {
  encodeGuarded,
  normaliseRecord,
  normaliseResult,
  otherMessages,
  putRecordMessage,
  randomId,
  randomPutRecord,
  randomResult,
  resultMessage,
  sameBytes,
} from './wire-fixtures.js';

describe('PutRecord, hand-written vs protobuf-es (seed 1)', () => {
  test('5,000 random messages encode to the bytes of toBinary and decode to the same fields', () => {
    const next = rng(1);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const r = randomPutRecord(next);
      const expected = toBinary(MessageSchema, putRecordMessage(id, r));
      const size = putRecordSize(id, r);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) => writePutRecord(buf, o, id, r));
      if (!sameBytes(expected, ours)) {
        throw new Error(`message ${i} differs: ${JSON.stringify(normaliseRecord(r))} id ${id}`);
      }

      const decoded = decodeMessage(expected);
      if (decoded.kind !== 'putRecord') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(id);
      expect(normaliseRecord(decoded.record)).toEqual(normaliseRecord(r));
      expect(decoded.record.partitionKeyEntry.text).toBe(r.partitionKey);
      // Zero-copy: the payload is a view of the input.
      expect(decoded.record.data.buffer).toBe(expected.buffer);
      const { dataBytes, dataStart, dataLength } = decoded.record;
      expect(dataBytes.buffer).toBe(expected.buffer);
      expect(sameBytes(dataBytes.subarray(dataStart, dataStart + dataLength), r.data)).toBe(true);
    }
  });

  test('lone surrogates are encoded as U+FFFD, like TextEncoder', () => {
    const r = { streamName: 'a\ud800b', partitionKey: '\udfff', data: new Uint8Array([1]) };
    const expected = toBinary(MessageSchema, putRecordMessage(5, r));
    const ours = encodeGuarded(putRecordSize(5, r), (buf, o) => writePutRecord(buf, o, 5, r));
    expect(sameBytes(expected, ours)).toBe(true);
  });

  test('keys around the length written by a JS loop, ASCII or not, encode like toBinary', () => {
    // The last unit decides: up to 0x7f the key is ASCII, from 0x80 on it takes two bytes or more.
    const lasts = ['a', '\x7f', '\x80', '\xff', '\u0800', '\ud800', '\udfff', '\u{1f600}'];
    for (const length of [0, 1, 63, 64, 65, 200]) {
      for (const last of lasts) {
        const key = 'k'.repeat(Math.max(0, length - last.length)) + last;
        const r = {
          streamName: key,
          partitionKey: key,
          explicitHashKey: key,
          data: new Uint8Array([7]),
        };
        const expected = toBinary(MessageSchema, putRecordMessage(9, r));
        expect(putRecordSize(9, r)).toBe(expected.length);
        const ours = encodeGuarded(expected.length, (buf, o) => writePutRecord(buf, o, 9, r));
        if (!sameBytes(expected, ours))
          throw new Error(`key of ${key.length} ending ${escape(last)}`);
      }
    }
  });

  test('rejects ids that are not non-negative safe integers', () => {
    const r = { streamName: 's', partitionKey: 'k', data: new Uint8Array(0) };
    for (const id of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => putRecordSize(id, r)).toThrow(RangeError);
      expect(() => writePutRecord(Buffer.alloc(64), 0, id, r)).toThrow(RangeError);
    }
  });
});

describe('PutRecordResult, hand-written vs protobuf-es (seed 2)', () => {
  test('5,000 random messages encode to the bytes of toBinary and decode to the same fields', () => {
    const next = rng(2);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const sourceId = randomId(next);
      const r = randomResult(next);
      const expected = toBinary(MessageSchema, resultMessage(id, sourceId, r));
      const size = putRecordResultSize(id, sourceId, r);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) => writePutRecordResult(buf, o, id, sourceId, r));
      if (!sameBytes(expected, ours)) {
        throw new Error(`message ${i} differs: ${JSON.stringify(r)} id ${id} source ${sourceId}`);
      }

      const decoded = decodeMessage(expected);
      if (decoded.kind !== 'putRecordResult') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(id);
      expect(decoded.sourceId).toBe(sourceId);
      expect(normaliseResult(decoded.result)).toEqual(normaliseResult(r));
    }
  });

  test('the shared-tail success encoder writes the same bytes as the general one', () => {
    const next = rng(7);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const sourceId = randomId(next);
      const r = randomResult(next);
      const shardId = r.shardId ?? '';
      const sequenceNumber = r.sequenceNumber ?? '';
      const delay = Math.floor(next() * 2 ** (next() * 32));
      const duration = Math.floor(next() * 2 ** (next() * 32));
      const general: PutRecordResultFields = {
        successful: true,
        attempts: [{ delay, duration, successful: true }],
        shardId,
        sequenceNumber,
      };
      const expected = toBinary(MessageSchema, resultMessage(id, sourceId, general));
      const tail = successTail(shardId, sequenceNumber);
      const size = successResultSize(id, sourceId, delay, duration, tail);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) =>
        writeSuccessResult(buf, o, id, sourceId, delay, duration, tail),
      );
      if (!sameBytes(expected, ours)) throw new Error(`message ${i} differs`);
    }
  });

  test('rejects attempt delays and durations outside uint32', () => {
    for (const bad of [-1, 2 ** 32, 0.5]) {
      const r = { attempts: [{ delay: bad, duration: 0, successful: true }], successful: true };
      expect(() => putRecordResultSize(1, 1, r)).toThrow(RangeError);
      const r2 = { attempts: [{ delay: 0, duration: bad, successful: true }], successful: true };
      expect(() => writePutRecordResult(Buffer.alloc(64), 0, 1, 1, r2)).toThrow(RangeError);
    }
  });
});

describe('other messages go through protobuf-es', () => {
  test.each(otherMessages().map((m) => [m.actualMessage.case, m] as const))(
    '%s round-trips through encodeMessage and decodeMessage',
    (_case, message) => {
      const bytes = encodeMessage(message);
      expect(sameBytes(toBinary(MessageSchema, message), bytes)).toBe(true);
      const decoded = decodeMessage(bytes);
      if (decoded.kind !== 'other') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(Number(message.id));
      expect(decoded.message.id).toBe(message.id);
      expect(equals(MessageSchema, decoded.message, message)).toBe(true);
    },
  );
});
