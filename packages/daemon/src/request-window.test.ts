import { describe, expect, test } from '@jest/globals';
import { RequestWindow } from './request-window.js';

function window(max: number) {
  let t = 0;
  const w = new RequestWindow({ max, now: () => t });
  return { w, advance: (ms: number) => (t += ms) };
}

/** Asks for `n` slots at once; returns the send times of those granted once microtasks ran. */
async function take(w: RequestWindow, n: number): Promise<number[]> {
  const granted: number[] = [];
  for (let i = 0; i < n; i++) void w.acquire().then((at) => granted.push(at));
  await new Promise((r) => setImmediate(r));
  return granted;
}

/** Requests answered in time, one after another, until the window is `width` wide. */
async function openTo(w: RequestWindow, width: number): Promise<void> {
  while (w.limit < width) {
    const at = await w.acquire();
    w.done(at, false);
  }
}

describe('RequestWindow', () => {
  test('starts with one request; each answer in time lets one more go, up to max', async () => {
    const { w } = window(4);
    expect(await take(w, 10)).toHaveLength(1);
    expect([w.limit, w.active, w.waiting]).toEqual([1, 1, 9]);
    w.done(0, false);
    await new Promise((r) => setImmediate(r));
    expect([w.limit, w.active, w.waiting]).toEqual([2, 2, 7]);
    w.done(0, false);
    w.done(0, false);
    await new Promise((r) => setImmediate(r));
    expect([w.limit, w.active, w.waiting]).toEqual([4, 4, 3]);
    w.done(0, false);
    await new Promise((r) => setImmediate(r));
    expect([w.limit, w.active, w.waiting]).toEqual([4, 4, 2]);
  });

  test('the timeouts of one wave halve the window once; each later wave halves it again, down to 1', async () => {
    const { w, advance } = window(24);
    await openTo(w, 24);
    const sent = advance(1);
    expect(await take(w, 24)).toHaveLength(24);
    advance(1000);
    // The whole wave, sent together, times out together.
    for (let i = 0; i < 24; i++) w.done(sent, true);
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

  test('after a timeout, answers in time widen it by one per window of answers, up to max', async () => {
    const { w, advance } = window(8);
    await openTo(w, 8);
    const at = await w.acquire();
    advance(1);
    w.done(at, true);
    expect(w.limit).toBe(4);
    const limits: number[] = [];
    for (let i = 0; i < 40; i++) {
      advance(1);
      w.done(await w.acquire(), false);
      limits.push(w.limit);
    }
    // 4 answers to reach 5, 5 more to reach 6, 6 to 7, 7 to 8; never past 8.
    expect(limits.indexOf(5)).toBe(3);
    expect(limits.indexOf(6)).toBe(8);
    expect(limits.indexOf(7)).toBe(14);
    expect(limits.indexOf(8)).toBe(21);
    expect(Math.max(...limits)).toBe(8);
  });

  test('a timeout of a request sent before the last cut does not cut again', async () => {
    const { w, advance } = window(16);
    await openTo(w, 16);
    const early = await w.acquire();
    const alsoEarly = await w.acquire();
    advance(10);
    w.done(early, true);
    expect(w.limit).toBe(8);
    advance(10);
    w.done(alsoEarly, true);
    expect(w.limit).toBe(8);
    const late = await w.acquire();
    w.done(late, true);
    expect(w.limit).toBe(4);
  });
});
