import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
import { IdOrder } from './id-order.js';

/** Ids as a turn collects them: ascending runs (one per Kinesis record), interleaved by shard. */
function turn(next: () => number, n: number, sparse: boolean): Float64Array {
  const shards = 1 + Math.floor(next() * 70);
  const perShard: number[][] = Array.from({ length: shards }, () => []);
  let id = Math.floor(next() * 2 ** 40);
  for (let i = 0; i < n; i++) {
    id += sparse && next() < 0.05 ? 1 + Math.floor(next() * 1e6) : 1;
    perShard[Math.floor(next() * shards)]!.push(id);
  }
  // Runs cut at random points, and their order shuffled.
  const runs: number[][] = [];
  for (const ids of perShard) {
    for (let at = 0; at < ids.length; ) {
      const len = 1 + Math.floor(next() * 500);
      runs.push(ids.slice(at, at + len));
      at += len;
    }
  }
  runs.sort(() => next() - 0.5);
  return Float64Array.from(runs.flat());
}

describe('IdOrder', () => {
  test.each([
    ['dense ids (counting)', false],
    ['sparse ids (merging runs)', true],
  ])('%s: 300 random turns come out ascending, each index once (seed 3)', (_, sparse) => {
    const next = rng(3);
    const order = new IdOrder();
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(next() * (next() < 0.1 ? 20_000 : 300));
      const ids = turn(next, n, sparse);
      const got = Array.from(order.sort(ids, n), (i) => ids[i]);
      expect(got).toEqual(Array.from(ids).sort((a, b) => a - b));
    }
  });

  test('an id given twice keeps both entries', () => {
    const ids = Float64Array.from([5, 6, 7, 1, 6, 2]);
    expect(Array.from(new IdOrder().sort(ids, 6), (i) => ids[i])).toEqual([1, 2, 5, 6, 6, 7]);
  });

  test('only the first n ids count, and an ascending turn is its own order', () => {
    const ids = Float64Array.from([3, 4, 9, 0]);
    expect(Array.from(new IdOrder().sort(ids, 3))).toEqual([0, 1, 2]);
  });
});
