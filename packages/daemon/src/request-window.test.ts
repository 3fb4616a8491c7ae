import { describe, expect, test } from '@jest/globals';
import { RequestWindow } from './request-window.js';

function window(max: number) {
  let t = 0;
  const w = new RequestWindow({ max, now: () => t });
  return { w, advance: (ms: number) => (t += ms), time: () => t };
}

/** Takes `n` slots at once; returns how many were granted before the microtasks ran out. */
async function take(w: RequestWindow, n: number): Promise<number[]> {
  const granted: number[] = [];
  for (let i = 0; i < n; i++) void w.acquire().then((at) => granted.push(at));
  await new Promise((r) => setImmediate(r));
  return granted;
}

describe('RequestWindow', () => {
  test('lets up to max requests go at once and queues the rest in order', async () => {
    const { w } = window(4);
    expect(await take(w, 6)).toHaveLength(4);
    expect([w.active, w.waiting]).toEqual([4, 2]);
    w.done(0, false);
    await new Promise((r) => setImmediate(r));
    expect([w.active, w.waiting]).toEqual([4, 1]);
  });

  test('the timeouts of one wave halve the window once; each later wave halves it again, down to 1', async () => {
    const { w, advance } = window(24);
    await take(w, 24);
    advance(1000);
    // The whole wave, sent at 0, times out together.
    for (let i = 0; i < 24; i++) w.done(0, true);
    expect(w.limit).toBe(12);
    const widths: number[] = [];
    for (let wave = 0; wave < 6; wave++) {
      const sentAt = advance(1);
      const n = (await take(w, w.limit)).length;
      advance(1000);
      for (let i = 0; i < n; i++) w.done(sentAt, true);
      widths.push(w.limit);
    }
    expect(widths).toEqual([6, 3, 1, 1, 1, 1]);
  });

  test('answers in time widen it by one per window of answers, up to max', async () => {
    const { w, advance } = window(8);
    await take(w, 1);
    w.done(0, true);
    w.done(-1, true); // unbalanced on purpose: only the limit matters here
    expect(w.limit).toBe(4);
    const limits: number[] = [];
    for (let i = 0; i < 40; i++) {
      advance(1);
      w.done(0, false);
      limits.push(w.limit);
    }
    // 4 answers to reach 5, 5 more to reach 6, 6 to 7, 7 to 8; never past 8.
    expect(limits.indexOf(5)).toBe(3);
    expect(limits.indexOf(6)).toBe(8);
    expect(limits.indexOf(7)).toBe(14);
    expect(limits.indexOf(8)).toBe(21);
    expect(Math.max(...limits)).toBe(8);
  });

  test('a timeout of a request sent before the last cut does not cut again', () => {
    const { w, advance } = window(16);
    w.done(0, true);
    expect(w.limit).toBe(8);
    advance(10);
    w.done(0, true);
    expect(w.limit).toBe(8);
    w.done(10, true);
    expect(w.limit).toBe(4);
  });
});
