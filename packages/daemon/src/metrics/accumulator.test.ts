import { describe, expect, test } from '@jest/globals';
import { Accumulator, emptyStats, RETENTION_SECONDS, type Stats } from './accumulator.js';

function window(a: Accumulator, from: number, to: number): Stats {
  const s = emptyStats();
  a.window(from, to, s);
  return s;
}

describe('Accumulator', () => {
  test('keeps count, sum, min and max of every sample since it exists', () => {
    const a = new Accumulator();
    for (let v = 0; v <= 100; v++) a.put(v, 7);
    expect({ count: a.count, sum: a.sum, min: a.min, max: a.max }).toEqual({
      count: 101,
      sum: 5050,
      min: 0,
      max: 100,
    });
  });

  test('answers windows of whole seconds from its buckets', () => {
    // 60 seconds of 100 increasing samples each (the KPL's test, scaled to our retention).
    const a = new Accumulator();
    for (let sec = 0; sec < 60; sec++) {
      for (let k = 0; k < 100; k++) a.put(sec * 100 + k, 1000 + sec);
    }
    const last = 1059;
    expect(window(a, last, last)).toEqual({ count: 0, sum: 0, min: Infinity, max: -Infinity });
    expect(window(a, last - 1, last)).toEqual({ count: 100, sum: 594950, min: 5900, max: 5999 });
    const w15 = window(a, last - 15, last);
    expect([w15.count, w15.sum / w15.count, w15.min, w15.max]).toEqual([1500, 5249.5, 4500, 5999]);
    const w30 = window(a, last - 30, last);
    expect([w30.count, w30.sum]).toEqual([3000, 13498500]);
    // A window in the past, bounded on both sides.
    expect(window(a, 1000, 1002)).toEqual({ count: 200, sum: 39900, min: 100, max: 299 });
    expect(a.count).toBe(6000);
  });

  test('forgets seconds past the retention, whatever the windows asked', () => {
    const a = new Accumulator();
    for (let sec = 0; sec < 3 * RETENTION_SECONDS; sec++) a.put(1, sec);
    const end = 3 * RETENTION_SECONDS - 1;
    expect(window(a, Number.NEGATIVE_INFINITY, end).count).toBe(RETENTION_SECONDS);
    expect(window(a, end - 10, end).count).toBe(10);
    expect(a.count).toBe(3 * RETENTION_SECONDS);
  });

  test('keeps its buckets in order across growth and wrap-around with gaps', () => {
    const a = new Accumulator();
    const seconds = [5, 6, 9, 10, 11, 40, 41, 90, 91, 92, 150, 151];
    for (const s of seconds) a.put(s, s);
    // Only those within the retention of the newest second (151) remain.
    const kept = seconds.filter((s) => s > 151 - RETENTION_SECONDS);
    const all = window(a, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(all.count).toBe(kept.length);
    expect(all.sum).toBe(kept.reduce((x, y) => x + y, 0));
    expect(window(a, 90, 150)).toEqual({ count: 3, sum: 91 + 92 + 150, min: 91, max: 150 });
  });

  test('counts a sample for an earlier second in the newest bucket', () => {
    const a = new Accumulator();
    a.put(1, 10);
    a.put(2, 9);
    expect(window(a, 9, 10)).toEqual({ count: 2, sum: 3, min: 1, max: 2 });
    expect(window(a, 8, 9).count).toBe(0);
  });
});
