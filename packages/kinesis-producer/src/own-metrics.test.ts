import { expect, test } from '@jest/globals';
import { DAEMON_RESTARTS, OwnMetrics } from './own-metrics.js';

test('DaemonRestarts: totals since start, or the restarts within the window asked for', () => {
  let now = 0;
  const m = new OwnMetrics(() => now);
  expect(m.metrics(undefined, undefined)).toEqual([
    {
      name: DAEMON_RESTARTS,
      dimensions: {},
      sum: 0,
      mean: 0,
      sampleCount: 0,
      min: 0,
      max: 0,
      duration: 0,
    },
  ]);
  for (const t of [1_000, 50_000, 100_000]) {
    now = t;
    m.restarted();
  }
  now = 120_000;
  expect(m.metrics(DAEMON_RESTARTS, undefined)[0]).toMatchObject({
    sum: 3,
    mean: 1,
    duration: 120,
  });
  expect(m.metrics(undefined, 30)[0]).toMatchObject({ sum: 1, sampleCount: 1, duration: 30 });
  expect(m.metrics(undefined, 60)[0]).toMatchObject({ sum: 1 });
  now = 161_000;
  expect(m.metrics(undefined, 60)[0]).toMatchObject({ sum: 0, max: 0 });
  expect(m.metrics('UserRecordsPut', undefined)).toEqual([]);
});
