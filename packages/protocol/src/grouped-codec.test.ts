import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
import { GroupedResultsSchema, MessageSchema, ResultHeadSchema } from './gen/messages_pb.js';
import {
  decodeMessage,
  type GroupedResultsSource,
  groupedResultsSize,
  ProtocolDecodeError,
  planGroupedChunk,
  resultsHead,
  writeGroupedResults,
} from './hot-codec.js';

interface Head {
  shardId: string;
  sequenceNumber: string;
  duration: number;
}

/** A turn's successes as the daemon collects them: runs of ascending ids, one per head. */
function randomTurn(next: () => number) {
  const headCount = 1 + Math.floor(next() * (next() < 0.2 ? 300 : 8));
  const heads: Head[] = Array.from({ length: headCount }, () => ({
    shardId: `shardId-${String(Math.floor(next() * 1e6)).padStart(12, '0')}`,
    sequenceNumber: next() < 0.1 ? 'é🎉' : String(Math.floor(next() * 2 ** 53)),
    duration: Math.floor(next() * 2 ** (next() * 32)),
  }));
  const base = Math.floor(next() * 2 ** (next() * 52));
  const n = 1 + Math.floor(next() * (next() < 0.1 ? 3000 : 60));
  // Distinct ids: a shuffled range, some gaps.
  let last = base;
  const ids = Array.from({ length: n }, () => (last += next() < 0.1 ? 1000 : 1));
  const sourceIds: number[] = [];
  const headOf: number[] = [];
  const delays: number[] = [];
  for (const id of ids.sort(() => next() - 0.5)) {
    sourceIds.push(id);
    headOf.push(Math.floor(next() * headCount));
    delays.push(Math.floor(next() * 2 ** (next() * 32)));
  }
  const order = sourceIds.map((_, i) => i).sort((a, b) => sourceIds[a]! - sourceIds[b]!);
  const src: GroupedResultsSource = {
    heads: heads.map((h) => resultsHead(h.shardId, h.sequenceNumber, h.duration)),
    sourceIds,
    headOf,
    delays,
    order,
  };
  return { heads, src };
}

/** The same message built by protobuf-es, heads numbered in the order records first use them. */
function expectedBytes(
  id: number,
  heads: Head[],
  src: GroupedResultsSource,
  from: number,
  to: number,
) {
  const local = new Map<number, number>();
  const used: Head[] = [];
  const deltas: bigint[] = [];
  const headIndexes: number[] = [];
  const delays: number[] = [];
  let prev = 0;
  for (let k = from; k < to; k++) {
    const i = src.order[k]!;
    const h = src.headOf[i]!;
    if (!local.has(h)) {
      local.set(h, used.length);
      used.push(heads[h]!);
    }
    deltas.push(BigInt(src.sourceIds[i]! - prev));
    prev = src.sourceIds[i]!;
    headIndexes.push(local.get(h)!);
    delays.push(src.delays[i]!);
  }
  const value = create(GroupedResultsSchema, {
    heads: used.map((h) => create(ResultHeadSchema, h)),
    sourceIdDeltas: deltas,
    headIndexes,
    delays,
  });
  const msg = create(MessageSchema, {
    id: BigInt(id),
    actualMessage: { case: 'groupedResults', value },
  });
  return Buffer.from(toBinary(MessageSchema, msg));
}

function encode(id: number, src: GroupedResultsSource, from: number, budget: number) {
  const localOf = new Int32Array(src.heads.length).fill(-1);
  const chunk = planGroupedChunk(src, from, budget, localOf);
  const size = groupedResultsSize(id, chunk);
  const buf = Buffer.alloc(size);
  expect(writeGroupedResults(buf, 0, id, src, chunk, localOf)).toBe(size);
  expect(localOf.every((v) => v === -1)).toBe(true);
  return { buf, chunk };
}

describe('GroupedResults', () => {
  test('1,000 random turns encode to the bytes of toBinary and decode back in id order (seed 5)', () => {
    const next = rng(5);
    for (let t = 0; t < 1000; t++) {
      const { heads, src } = randomTurn(next);
      const id = Math.floor(next() * 2 ** 40);
      const { buf, chunk } = encode(id, src, 0, 1 << 30);
      expect(chunk.to).toBe(src.order.length);
      expect(buf.equals(expectedBytes(id, heads, src, 0, chunk.to))).toBe(true);
      const d = decodeMessage(buf);
      if (d.kind !== 'groupedResults') throw new Error(`decoded as ${d.kind}`);
      expect(d.id).toBe(id);
      const got = Array.from(d.results.sourceIds, (sid, k) => ({
        sid,
        delay: d.results.delays[k],
        head: d.results.heads[d.results.headIndexes[k]!],
      }));
      const want = Array.from(src.order, (i) => ({
        sid: src.sourceIds[i],
        delay: src.delays[i],
        head: heads[src.headOf[i]!],
      }));
      expect(got).toEqual(want);
    }
  });

  test('a small budget splits a turn into messages within it, each in id order, none lost (seed 6)', () => {
    const next = rng(6);
    for (let t = 0; t < 200; t++) {
      const { heads, src } = randomTurn(next);
      const budget = 200 + Math.floor(next() * 2000);
      const seen: number[] = [];
      let from = 0;
      while (from < src.order.length) {
        const { buf, chunk } = encode(7, src, from, budget);
        expect(chunk.to).toBeGreaterThan(from);
        expect(buf.length).toBeLessThanOrEqual(budget);
        expect(buf.equals(expectedBytes(7, heads, src, from, chunk.to))).toBe(true);
        const d = decodeMessage(buf);
        if (d.kind !== 'groupedResults') throw new Error(`decoded as ${d.kind}`);
        seen.push(...d.results.sourceIds);
        from = chunk.to;
      }
      expect(seen).toEqual(Array.from(src.order, (i) => src.sourceIds[i]));
    }
  });

  test('unpacked and split repeated fields are read too', () => {
    // id 1; field 1002 { heads { shard_id "s" }; deltas 7 (unpacked), [1, 2] (packed);
    // head_indexes 0, 0, 0 (unpacked); delays [4, 5, 6] (packed) }
    const body = Buffer.from([
      0x0a, 3, 0x0a, 1, 0x73, 0x10, 7, 0x12, 2, 1, 2, 0x18, 0, 0x18, 0, 0x18, 0, 0x22, 3, 4, 5, 6,
    ]);
    const d = decodeMessage(Buffer.concat([Buffer.from([0x08, 1, 0xd2, 0x3e, body.length]), body]));
    expect(d).toEqual({
      kind: 'groupedResults',
      id: 1,
      results: {
        heads: [{ shardId: 's', sequenceNumber: '', duration: 0 }],
        sourceIds: new Float64Array([7, 8, 10]),
        headIndexes: new Uint32Array([0, 0, 0]),
        delays: new Uint32Array([4, 5, 6]),
      },
    });
  });

  const head = [0x0a, 3, 0x0a, 1, 0x73];
  test.each([
    [
      'more ids than delays',
      [...head, 0x12, 2, 1, 1, 0x1a, 2, 0, 0, 0x22, 1, 0],
      /2 source ids, 2 head indexes and 1 delays/,
    ],
    [
      'a head index past the table',
      [...head, 0x12, 1, 1, 0x1a, 1, 1, 0x22, 1, 0],
      /holds 1, but there are 1 heads/,
    ],
    [
      'an id answered twice (delta 0)',
      [...head, 0x12, 2, 5, 0, 0x1a, 2, 0, 0, 0x22, 2, 0, 0],
      /a 0 after the first id/,
    ],
    [
      'ids adding up past 2^53 - 1',
      [
        ...head,
        0x12,
        9,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0x0f,
        1,
        0x1a,
        2,
        0,
        0,
        0x22,
        2,
        0,
        0,
      ],
      /above 2\^53 - 1/,
    ],
    ['a packed field cut short', [...head, 0x12, 3, 1], /announces 3 bytes/],
    ['a shard id as a varint', [0x0a, 2, 0x08, 0x01], /ResultHead.shard_id/],
    ['heads as a varint', [0x08, 1], /GroupedResults.heads/],
  ])('%s is a ProtocolDecodeError', (_, bytes, message) => {
    const body = Buffer.from(bytes);
    const msg = Buffer.concat([Buffer.from([0x08, 1, 0xd2, 0x3e, body.length]), body]);
    expect(() => decodeMessage(msg)).toThrow(ProtocolDecodeError);
    expect(() => decodeMessage(msg)).toThrow(message);
  });
});
