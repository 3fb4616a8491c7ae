// How a new stream's first records wait for its shard map: with fake timers and a ListShards
// answered by hand, so the outcome never depends on how fast the machine is.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { Aggregator, FIRST_MAP_WAIT_MS } from './aggregator.js';
import type { Clock } from './clock.js';
import { newPartitionKeyInfo } from './hex-hash-key.js';
import type { KinesisRecord } from './kinesis-record.js';
import { ShardMap, type ShardPage } from './shard-map.js';
import { UserRecord } from './user-record.js';

const ONE_SHARD: ShardPage = {
  shards: [
    {
      shardId: 'shardId-000000000000',
      startingHashKey: '0',
      endingHashKey: (2n ** 128n - 1n).toString(),
    },
  ],
};

/** Jest's fake timers: Date.now and the global timers, looked up when called (once faked). */
const fakeTimersClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function setUp() {
  let answer: ((p: ShardPage) => void) | undefined;
  let refuse: ((e: Error) => void) | undefined;
  const map = new ShardMap(
    's',
    () =>
      new Promise<ShardPage>((resolve, reject) => {
        answer = resolve;
        refuse = reject;
      }),
    () => undefined,
  );
  const emitted: KinesisRecord[] = [];
  const aggregator = new Aggregator(
    { enabled: true, mode: 'shard', maxCount: 10_000, maxSize: 1024 * 1024 },
    map,
    (kr) => emitted.push(kr),
    fakeTimersClock,
  );
  const records = (n: number, maxBufferedTime: number, ttl = 30_000) => {
    for (let i = 0; i < n; i++) {
      const key = newPartitionKeyInfo(`k${i}`, `k${i}`.length);
      const ur = new UserRecord(
        i,
        key.text,
        undefined,
        Buffer.from(`data ${i}`),
        key.hashKey,
        Date.now(),
        maxBufferedTime,
        ttl,
      );
      ur.partitionKeySlot = key;
      aggregator.put(ur);
    }
  };
  const userRecords = () => emitted.reduce((n, kr) => n + kr.count, 0);
  return {
    map,
    aggregator,
    emitted,
    records,
    userRecords,
    answer: (p: ShardPage) => answer!(p),
    refuse: (e: Error) => refuse!(e),
  };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('records that arrive before the first shard map', () => {
  test('wait for it past their own deadline, then go out aggregated', async () => {
    const t = setUp();
    t.records(50, 100);
    await jest.advanceTimersByTimeAsync(FIRST_MAP_WAIT_MS - 10);
    expect(t.emitted).toHaveLength(0);
    t.answer(ONE_SHARD);
    await jest.advanceTimersByTimeAsync(0);
    expect(t.map.ready).toBe(true);
    t.aggregator.flush();
    expect(t.emitted).toHaveLength(1);
    expect(t.userRecords()).toBe(50);
    t.aggregator.close();
  });

  test('go out alone once FIRST_MAP_WAIT_MS has passed without a map', async () => {
    const t = setUp();
    t.records(20, 100);
    await jest.advanceTimersByTimeAsync(FIRST_MAP_WAIT_MS - 1);
    expect(t.emitted).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(t.emitted).toHaveLength(20);
    expect(t.emitted.every((kr) => kr.count === 1)).toBe(true);
    // Records that come later, still before the map, wait only for their own deadline.
    t.records(5, 100);
    await jest.advanceTimersByTimeAsync(99);
    expect(t.emitted).toHaveLength(20);
    await jest.advanceTimersByTimeAsync(1);
    expect(t.emitted).toHaveLength(25);
    t.aggregator.close();
  });

  test('with a deadline later than the wait, wait until their deadline', async () => {
    const t = setUp();
    t.records(10, 5000);
    await jest.advanceTimersByTimeAsync(4999);
    expect(t.emitted).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(t.emitted).toHaveLength(10);
    t.aggregator.close();
  });

  test('never wait past their TTL', async () => {
    const t = setUp();
    t.records(10, 100, 300);
    await jest.advanceTimersByTimeAsync(299);
    expect(t.emitted).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(t.emitted).toHaveLength(10);
    t.aggregator.close();
  });

  test('go out as soon as the first ListShards fails, without waiting longer', async () => {
    const t = setUp();
    t.records(10, 100);
    t.refuse(new Error('no such stream'));
    await jest.advanceTimersByTimeAsync(0);
    expect(t.emitted).toHaveLength(10);
    t.aggregator.close();
    t.map.close();
  });
});
