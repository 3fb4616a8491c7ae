// The one backoff, as each of its users configures it.
import { expect, test } from '@jest/globals';
import { backoffDelay } from './backoff.js';

test('doubling by default: between half and all of min(max, base·2^(n-1))', () => {
  const p = { base: 100, max: 1000 };
  expect([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(p, n, () => 1))).toEqual([
    100, 200, 400, 800, 1000, 1000,
  ]);
  expect([1, 2, 3].map((n) => backoffDelay(p, n, () => 0))).toEqual([50, 100, 200]);
});

test('a factor of 1.5, as the shard map refreshes: 1 s, 1.5 s, 2.25 s… up to 30 s', () => {
  const p = { base: 1000, max: 30_000, factor: 1.5 };
  expect([1, 2, 3, 20].map((n) => backoffDelay(p, n, () => 1))).toEqual([1000, 1500, 2250, 30_000]);
});

test('a count below one waits as the first failure does', () => {
  expect(backoffDelay({ base: 100, max: 1000 }, 0, () => 1)).toBe(100);
});
