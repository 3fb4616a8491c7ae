import { describe, expect, test } from '@jest/globals';
import { RestartCounter, restartable, restartDelay } from './restart-policy.js';

const exit = (over: Partial<Parameters<typeof restartable>[0]>) => ({
  code: null,
  signal: null,
  spawnFailed: false,
  ...over,
});

describe('restartable', () => {
  test('a crash, a kill or a protocol error can be restarted', () => {
    expect(restartable(exit({ signal: 'SIGKILL' }))).toBe(true);
    expect(restartable(exit({ code: 70, fatal: { code: 'INTERNAL', message: 'bug' } }))).toBe(true);
    expect(restartable(exit({ code: 3, fatal: { code: 'PROTOCOL', message: 'bad frame' } }))).toBe(
      true,
    );
    expect(restartable(exit({ code: 0 }))).toBe(true);
  });

  test('a configuration the daemon refuses, or a daemon that cannot be spawned, cannot', () => {
    expect(restartable(exit({ code: 1, fatal: { code: 'CONFIG', message: 'no region' } }))).toBe(
      false,
    );
    expect(restartable(exit({ code: 1 }))).toBe(false);
    expect(restartable(exit({ code: -2, spawnFailed: true }))).toBe(false);
  });
});

describe('restartDelay', () => {
  const p = { maxRestarts: 10, windowMs: 60_000, base: 100, max: 1000 };
  test('doubles from base up to max, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 5, 30].map((n) => restartDelay(p, n, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 5].map((n) => restartDelay(p, n, () => 0))).toEqual([50, 100, 500]);
  });
});

describe('RestartCounter', () => {
  const MINUTE = 60_000;
  const policy = { maxRestarts: 3, windowMs: 10 * MINUTE, base: 100, max: 1000 };
  function counter(over: Partial<typeof policy> = {}) {
    let now = 0;
    const c = new RestartCounter({ ...policy, ...over }, () => now);
    const at = (t: number) => {
      now = t;
      return c.next(() => 1);
    };
    return { c, at };
  }

  test('daemons that die soon after starting count up to the limit, then it gives up', () => {
    const { c, at } = counter();
    expect([10, 20, 30, 40].map(at)).toEqual([100, 200, 400, undefined]);
    expect(c.count).toBe(3);
  });

  test('a daemon that crashes every few minutes, however long each run, is given up on', () => {
    // Each run stays up three minutes: within ten minutes, the fourth end is one too many.
    const { at } = counter();
    expect([3, 6, 9].map((m) => at(m * MINUTE))).toEqual([100, 200, 400]);
    expect(at(12 * MINUTE)).toBeUndefined();
  });

  test('restarts older than the window no longer count', () => {
    const { c, at } = counter();
    for (const m of [0, 1, 2]) at(m * MINUTE);
    // The first restart left the window exactly ten minutes after it: room for one more.
    expect(at(10 * MINUTE)).toBe(400);
    expect(c.count).toBe(3);
    expect(at(10 * MINUTE + 1)).toBeUndefined();
  });

  test('a daemon killed now and then, less often than the budget allows, is always restarted', () => {
    const { c, at } = counter();
    for (let i = 1; i <= 100; i++) expect(at(i * 4 * MINUTE)).toBeDefined();
    // At most three restarts ever sit in the window, so the backoff stays short.
    expect(c.count).toBeLessThanOrEqual(3);
  });

  test('with maxRestarts 0 the first end is final', () => {
    expect(counter({ maxRestarts: 0 }).at(60 * MINUTE)).toBeUndefined();
  });
});
