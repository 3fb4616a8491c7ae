import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
import { MessageSchema, PutRecordResultsSchema } from './gen/messages_pb.js';
import {
  decodeMessage,
  putRecordResultsSize,
  resultsHead,
  writePutRecordResults,
} from './hot-codec.js';

describe('PutRecordResults', () => {
  test('2,000 random batches encode to the bytes of toBinary and decode back (seed 11)', () => {
    const next = rng(11);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(next() * (next() < 0.1 ? 3000 : 50));
      const ids = Array.from({ length: n }, () => Math.floor(next() * 2 ** (next() * 53)));
      const delays = Array.from({ length: n }, () => Math.floor(next() * 2 ** (next() * 32)));
      const duration = Math.floor(next() * 2 ** (next() * 32));
      const shardId = `shardId-${String(Math.floor(next() * 1e6)).padStart(12, '0')}`;
      const sequenceNumber = next() < 0.1 ? 'é🎉' : String(Math.floor(next() * 2 ** 53));
      const id = Math.floor(next() * 2 ** 40);
      const expected = toBinary(
        MessageSchema,
        create(MessageSchema, {
          id: BigInt(id),
          actualMessage: {
            case: 'putRecordResults',
            value: create(PutRecordResultsSchema, {
              shardId,
              sequenceNumber,
              duration,
              sourceIds: ids.map(BigInt),
              delays,
            }),
          },
        }),
      );
      const head = resultsHead(shardId, sequenceNumber, duration);
      const size = putRecordResultsSize(id, head, ids, delays, n);
      expect(size).toBe(expected.length);
      const buf = Buffer.alloc(size);
      expect(writePutRecordResults(buf, 0, id, head, ids, delays, n)).toBe(size);
      expect(buf.equals(Buffer.from(expected))).toBe(true);
      const d = decodeMessage(expected);
      expect(d).toEqual({
        kind: 'putRecordResults',
        id,
        results: { shardId, sequenceNumber, duration, sourceIds: ids, delays },
      });
    }
  });

  test('only the first `count` entries are written', () => {
    const head = resultsHead('s', 'q', 5);
    const size = putRecordResultsSize(1, head, [1, 2, 3], [4, 5, 6], 2);
    const buf = Buffer.alloc(size);
    writePutRecordResults(buf, 0, 1, head, [1, 2, 3], [4, 5, 6], 2);
    const d = decodeMessage(buf);
    expect(d.kind === 'putRecordResults' && d.results.sourceIds).toEqual([1, 2]);
  });

  test('unpacked repeated fields are read too, and ids and delays must pair up', () => {
    // id 1; field 1001 { source_ids 4 (unpacked) = 7, 8; delays 5 (unpacked) = 9 }
    const body = Buffer.from([0x20, 7, 0x20, 8, 0x28, 9]);
    const msg = Buffer.concat([Buffer.from([0x08, 1, 0xca, 0x3e, body.length]), body]);
    expect(() => decodeMessage(msg)).toThrow(/2 source ids but 1 delays/);
    const body2 = Buffer.from([0x20, 7, 0x28, 9]);
    const msg2 = Buffer.concat([Buffer.from([0x08, 1, 0xca, 0x3e, body2.length]), body2]);
    const d = decodeMessage(msg2);
    expect(d.kind === 'putRecordResults' && d.results).toMatchObject({
      sourceIds: [7],
      delays: [9],
    });
  });
});
