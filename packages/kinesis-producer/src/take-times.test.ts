import { describe, expect, test } from '@jest/globals';
import { TakeTimes } from './take-times.js';

describe('TakeTimes', () => {
  test('each id reads its run’s time, looked up in any order', () => {
    const t = new TakeTimes();
    t.add(1, 100);
    t.add(5, 100);
    t.add(9, 107);
    t.add(12, 110);
    const ids = [1, 4, 5, 8, 9, 11, 12, 40];
    const want = [100, 100, 100, 100, 107, 107, 110, 110];
    expect(ids.map((id) => t.timeOf(id))).toEqual(want);
    expect([...ids].reverse().map((id) => t.timeOf(id))).toEqual([...want].reverse());
  });

  test('dropping old runs keeps every later id’s time, through the arrays’ move to the front', () => {
    const t = new TakeTimes();
    for (let run = 0; run < 5000; run++) t.add(run * 10 + 1, run);
    for (const oldest of [5, 9_001, 30_001, 49_991]) {
      t.dropBefore(oldest);
      for (let id = oldest; id < 50_000; id += 997)
        expect(t.timeOf(id)).toBe(Math.floor((id - 1) / 10));
    }
    t.clear();
    t.add(70_000, 9);
    expect(t.timeOf(70_003)).toBe(9);
  });
});
