import { describe, expect, test } from '@jest/globals';
import { RestartCounter, restartable, restartDelay, STABLE_RUN_MS } from './restart-policy.js';

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
  const p = { maxRestarts: 10, base: 100, max: 1000 };
  test('doubles from base up to max, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 5, 30].map((n) => restartDelay(p, n, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 5].map((n) => restartDelay(p, n, () => 0))).toEqual([50, 100, 500]);
  });
});

describe('RestartCounter', () => {
  const policy = { maxRestarts: 3, base: 100, max: 1000 };

  test('daemons that die soon after starting count up to the limit, then it gives up', () => {
    const c = new RestartCounter(policy);
    const delays = [1, 2, 3, 4].map(() => c.next(10, false, () => 1));
    expect(delays).toEqual([100, 200, 400, undefined]);
  });

  test('a daemon that stayed up starts the count over', () => {
    const c = new RestartCounter(policy);
    c.next(10, false);
    c.next(10, false);
    expect(c.next(STABLE_RUN_MS, false, () => 1)).toBe(100);
    expect(c.count).toBe(1);
  });

  test('a daemon killed for hanging counts however long it ran', () => {
    const c = new RestartCounter(policy);
    for (let i = 0; i < 3; i++) expect(c.next(60_000, true)).toBeDefined();
    expect(c.next(60_000, true)).toBeUndefined();
  });

  test('with maxRestarts 0 the first end is final', () => {
    expect(new RestartCounter({ ...policy, maxRestarts: 0 }).next(60_000, false)).toBeUndefined();
  });
});
