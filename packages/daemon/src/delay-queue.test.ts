import { expect, test } from '@jest/globals';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { DelayQueue } from './delay-queue.js';

test('releases items in time order, each at its time, on one timer', () => {
  const clock = new FakeClock();
  const out: { id: number; at: number }[] = [];
  const q = new DelayQueue<number>((id) => out.push({ id, at: clock.now() }), clock);
  const t = clock.now();
  const offsets = [80, 10, 40, 15, 120, 0, 60, 41];
  for (const [id, ms] of offsets.entries()) q.add(id, t + ms);
  expect(q.size).toBe(offsets.length);
  // One timer, whatever the number of items.
  expect(clock.pending).toBe(1);
  clock.advance(200);
  expect(out.map((o) => o.id)).toEqual([5, 1, 3, 2, 7, 6, 0, 4]);
  // Within a millisecond of its time (timers and the clock round differently), never later.
  for (const o of out) {
    expect(Math.abs(o.at - (t + offsets[o.id]!))).toBeLessThanOrEqual(1);
  }
  expect(q.size).toBe(0);
  expect(clock.pending).toBe(0);
  q.close();
});

test('an item due earlier than the armed timer re-arms it; close disarms', () => {
  const clock = new FakeClock();
  const out: number[] = [];
  const q = new DelayQueue<number>((id) => out.push(id), clock);
  q.add(1, clock.now() + 1000);
  q.add(2, clock.now() + 100);
  clock.advance(100);
  expect(out).toEqual([2]);
  q.close();
  expect(clock.pending).toBe(0);
  clock.advance(2000);
  expect(out).toEqual([2]);
});
