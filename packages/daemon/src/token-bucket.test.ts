import { expect, test } from '@jest/globals';
import { TokenBucket } from './token-bucket.js';

test('starts full, takes all kinds together or none, refills at its rate up to capacity', () => {
  const b = new TokenBucket([10, 100], [10, 100]);
  expect(b.tryTake([10, 50], 0)).toBe(true);
  expect(b.tryTake([1, 1], 0)).toBe(false); // records exhausted; bytes untouched
  expect(b.tryTake([0, 50], 0)).toBe(true);
  expect(b.tryTake([1, 1], 50)).toBe(false); // 0.5 record after 50 ms
  expect(b.tryTake([1, 5], 100)).toBe(true); // 1 record, 10 bytes after 100 ms
  expect(b.tryTake([0, 6], 100)).toBe(false);
  expect(b.tryTake([10, 100], 1_000_000)).toBe(true); // capped at capacity
  expect(b.tryTake([1, 0], 1_000_000)).toBe(false);
});

test('an amount larger than the capacity passes from a full bucket and leaves a debt', () => {
  const b = new TokenBucket([10, 100], [10, 100]);
  expect(b.tryTake([1, 250], 0)).toBe(true);
  expect(b.tryTake([1, 1], 1000)).toBe(false); // 150 owed, 100 refilled
  expect(b.tryTake([1, 1], 1600)).toBe(true);
});
