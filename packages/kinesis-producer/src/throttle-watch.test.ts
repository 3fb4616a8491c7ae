import { describe, expect, test } from '@jest/globals';
import type { Metric } from './metrics-client.js';
import { THROTTLE_WATCH, ThrottleWatch, throttledByStream } from './throttle-watch.js';

const metric = (
  dimensions: Record<string, string>,
  sum: number,
  name = 'ErrorsByCode',
): Metric => ({
  name,
  dimensions,
  sum,
  mean: 1,
  sampleCount: sum,
  min: 1,
  max: 1,
  duration: 10,
});
const PTEE = 'ProvisionedThroughputExceededException';

describe('throttledByStream', () => {
  test("counts each stream's throttling codes once, at the stream level", () => {
    const counts = throttledByStream([
      metric({ ErrorCode: PTEE }, 9),
      metric({ ErrorCode: PTEE, StreamName: 'a' }, 5),
      metric({ ErrorCode: PTEE, StreamName: 'a', ShardId: 'shardId-000000000000' }, 5),
      metric({ ErrorCode: 'KMSThrottlingException', StreamName: 'a' }, 2),
      metric({ ErrorCode: 'InternalFailure', StreamName: 'b' }, 7),
      metric({ ErrorCode: PTEE, StreamName: 'c' }, 0),
      metric({ StreamName: 'd' }, 3, 'UserRecordsPut'),
    ]);
    expect([...counts]).toEqual([['a', 7]]);
  });
});

describe('ThrottleWatch', () => {
  function setup() {
    let now = 0;
    const told: unknown[][] = [];
    const w = new ThrottleWatch(
      () => Promise.resolve([]),
      {
        throttling: (...a) => told.push(['throttling', ...a]),
        ended: (...a) => told.push(['ended', ...a]),
      },
      () => true,
      () => now,
    );
    const at = (t: number, throttled: Record<string, number>) => {
      now = t;
      w.update(new Map(Object.entries(throttled)));
    };
    return { told, at };
  }
  const S = THROTTLE_WATCH.sustainedMs;

  test('a stream throttled in every window for the sustained time is reported once', () => {
    const s = setup();
    for (let t = 0; t < S; t += 1000) s.at(t, { a: 3 });
    expect(s.told).toEqual([]);
    s.at(S, { a: 4 });
    expect(s.told).toEqual([['throttling', 'a', 4, S]]);
    s.at(S + 1000, { a: 4 });
    expect(s.told).toHaveLength(1);
  });

  test('a window without throttling ends a reported episode, and starts over one not reported', () => {
    const s = setup();
    s.at(0, { a: 1, b: 1 });
    s.at(S - 1000, { a: 1, b: 1 });
    s.at(S, { a: 1 });
    expect(s.told).toEqual([['throttling', 'a', 1, S]]);
    s.at(S + 2000, {});
    expect(s.told).toEqual([
      ['throttling', 'a', 1, S],
      ['ended', 'a', S + 2000],
    ]);
    // b's burst ended before it was sustained: a new one must last the whole time again.
    s.at(S + 3000, { b: 1 });
    s.at(2 * S + 2000, { b: 1 });
    expect(s.told).toHaveLength(2);
    s.at(2 * S + 3000, { b: 1 });
    expect(s.told[2]).toEqual(['throttling', 'b', 1, S]);
  });
});
