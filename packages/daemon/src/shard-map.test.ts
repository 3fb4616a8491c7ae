import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { FakeClock, settle } from '../../../test/support/fake-clock.js';
import { FakeKinesis } from '../../../test/support/fake-kinesis.js';
import { readConfig } from './config.js';
import { CredentialsHolder } from './credentials-holder.js';
import { hashKeyFromDecimal, hashKeyHigh } from './hex-hash-key.js';
import { createControlClient, listShardsWith } from './kinesis-control.js';
import {
  type ListShards,
  MAX_LIST_SHARDS_PAGES,
  ShardMap,
  shardIdText,
  shardNumber,
} from './shard-map.js';

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ShardMap over ListShards against the fake Kinesis', () => {
  let fake: FakeKinesis;
  let list: ListShards;
  let client: ReturnType<typeof createControlClient>;

  beforeAll(async () => {
    fake = await FakeKinesis.start({ streams: { many: 2500, two: 2 } });
    const creds = new CredentialsHolder();
    creds.set({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
    const c = readConfig(
      create(ConfigurationSchema, { region: 'us-east-1', kinesisEndpointUrl: fake.endpoint }),
    );
    client = createControlClient(c, creds, 'test');
    list = listShardsWith(client);
  });
  afterAll(async () => {
    client.destroy();
    await fake.stop();
  });

  test('reads every page and predicts the shard whose range holds a key, at the edges too', async () => {
    const calls = fake.stats.byOperation.ListShards ?? 0;
    const map = new ShardMap('many', list, () => undefined);
    await until(() => map.ready);
    expect(map.shardCount).toBe(2500);
    expect((fake.stats.byOperation.ListShards ?? 0) - calls).toBe(3); // 1000 per page
    for (const s of fake.shards('many')) {
      const n = shardNumber(s.shardId);
      expect(map.shardFor(hashKeyFromDecimal(s.startingHashKey))).toBe(n);
      expect(map.shardFor(hashKeyFromDecimal(s.endingHashKey))).toBe(n);
      expect(map.hashRange(n)).toMatchObject({
        start: hashKeyFromDecimal(s.startingHashKey),
        end: hashKeyFromDecimal(s.endingHashKey),
      });
    }
    map.close();
  });

  test('refreshes are coalesced: many invalidations, one ListShards', async () => {
    const clock = new FakeClock();
    const map = new ShardMap('two', list, () => undefined, clock);
    await until(() => map.ready);
    const before = fake.stats.byOperation.ListShards ?? 0;
    // Evidence seen after the map was read.
    clock.advance(10);
    for (let i = 0; i < 100; i++) map.invalidate(clock.now(), 0);
    await until(() => map.ready);
    expect((fake.stats.byOperation.ListShards ?? 0) - before).toBe(1);
    // Evidence older than the last refresh is ignored.
    map.invalidate(0, 0);
    expect(map.ready).toBe(true);
    map.close();
  });
});

const MAX = 2n ** 128n - 1n;

/** One shard, after `failures` failed calls; `times` are when each call was made. */
function failingList(clock: FakeClock, failures: number) {
  const times: number[] = [];
  let fail = failures;
  const list: ListShards = async () => {
    times.push(clock.now());
    if (fail-- > 0) throw new Error('boom');
    return {
      shards: [
        { shardId: shardIdText(0), startingHashKey: '0', endingHashKey: String(2n ** 128n - 1n) },
      ],
    };
  };
  return { list, times, failNext: (n: number) => (fail = n) };
}

describe('ShardMap failures', () => {
  test('while the map is unknown nothing is predicted; retries back off by 1.5x with jitter', async () => {
    const clock = new FakeClock();
    const { list, times } = failingList(clock, 5);
    const map = new ShardMap('s', list, () => undefined, clock);
    for (let i = 0; i < 5; i++) {
      await settle();
      expect(map.ready).toBe(false);
      expect(map.shardFor(hashKeyFromDecimal(5))).toBe(-1);
      expect(clock.runNext()).toBe(true);
    }
    await settle();
    expect(map.ready).toBe(true);
    expect(map.shardFor(hashKeyFromDecimal(5))).toBe(0);
    expect(times).toHaveLength(6);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Nominal 1000, 1500, 2250, 3375, 5062 ms, each jittered to between half and all of it.
    [1000, 1500, 2250, 3375, 5062].forEach((nominal, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(Math.floor(nominal / 2));
      expect(gaps[i]).toBeLessThanOrEqual(nominal);
    });
    map.close();
  });

  test('the backoff stops growing at 30 s, and starts again from 1 s after a success', async () => {
    const clock = new FakeClock();
    const { list, times, failNext } = failingList(clock, 12);
    const map = new ShardMap('s', list, () => undefined, clock);
    while (!map.ready) {
      await settle();
      if (!map.ready) clock.runNext();
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toHaveLength(12);
    for (const g of gaps.slice(9)) {
      expect(g).toBeGreaterThanOrEqual(15_000);
      expect(g).toBeLessThanOrEqual(30_000);
    }
    // Fails once more after a success: the first delay again.
    failNext(1);
    clock.advance(10);
    map.invalidate(clock.now(), 0);
    await settle();
    expect(clock.pending).toBe(1);
    const at = clock.now();
    clock.runNext();
    expect(clock.now() - at).toBeGreaterThanOrEqual(500);
    expect(clock.now() - at).toBeLessThanOrEqual(1000);
    await settle();
    expect(map.ready).toBe(true);
    map.close();
  });

  test('a range the map does not know is learnt from a listing of every shard, closed ones too', async () => {
    const requests: Parameters<ListShards>[0][] = [];
    const list: ListShards = async (req) => {
      requests.push(req);
      const open = { shardId: shardIdText(2), startingHashKey: '0', endingHashKey: String(MAX) };
      const closedOne = { ...open, shardId: shardIdText(1), closed: true };
      return { shards: 'everyShard' in req && req.everyShard ? [closedOne, open] : [open] };
    };
    const map = new ShardMap('s', list, () => undefined);
    await until(() => map.ready);
    let range: unknown;
    map.whenRangeKnown(1, Number.POSITIVE_INFINITY, (r) => {
      range = r;
    });
    await until(() => range !== undefined);
    expect(range).toMatchObject({ start: hashKeyFromDecimal(0), end: hashKeyFromDecimal(MAX) });
    expect(requests.map((r) => 'everyShard' in r && r.everyShard)).toEqual([false, true]);
    // The closed shard is known, never predicted.
    expect(map.shardFor(hashKeyFromDecimal(1))).toBe(2);
    map.close();
  });

  test('a range no listing names is given up at its deadline', async () => {
    const clock = new FakeClock();
    const list: ListShards = async () => ({
      shards: [{ shardId: shardIdText(0), startingHashKey: '0', endingHashKey: String(MAX) }],
    });
    const map = new ShardMap('s', list, () => undefined, clock);
    await until(() => map.ready);
    let answered = false;
    let range: unknown = 'unset';
    map.whenRangeKnown(9, clock.now() + 50, (r) => {
      answered = true;
      range = r;
    });
    await settle();
    clock.advance(49);
    await settle();
    expect(answered).toBe(false);
    clock.advance(1);
    await settle();
    expect(answered).toBe(true);
    expect(range).toBeUndefined();
    map.close();
  });

  test('keys that share their first 28 bits with a shard end still land by the full key', async () => {
    // Three shards whose ends differ only in the last hex digits: the numeric shortcut ties.
    const base = 0xabcdef0123456n << 76n;
    const ends = [base + 5n, base + 9n, 2n ** 128n - 1n];
    const list: ListShards = async () => ({
      shards: ends.map((end, i) => ({
        shardId: shardIdText(i),
        startingHashKey: String(i === 0 ? 0n : ends[i - 1]! + 1n),
        endingHashKey: String(end),
      })),
    });
    const map = new ShardMap('s', list, () => undefined);
    await until(() => map.ready);
    const expected: [bigint, number][] = [
      [0n, 0],
      [base - 1n, 0],
      [base, 0],
      [base + 5n, 0],
      [base + 6n, 1],
      [base + 9n, 1],
      [base + 10n, 2],
      [2n ** 128n - 1n, 2],
    ];
    for (const [key, shard] of expected) {
      const hex = hashKeyFromDecimal(key);
      expect(map.shardFor(hex)).toBe(shard);
      expect(map.shardFor(hex, hashKeyHigh(hex))).toBe(shard);
    }
    map.close();
  });
});

test('ListShards paging is capped: an endpoint that pages forever fails the refresh', async () => {
  let calls = 0;
  const endless: ListShards = async () => {
    calls++;
    return {
      shards: [{ shardId: shardIdText(calls), startingHashKey: '0', endingHashKey: '0' }],
      nextToken: 'again',
    };
  };
  const map = new ShardMap('endless', endless, () => undefined);
  let settled = false;
  map.onFirstLoad(() => (settled = true));
  await until(() => settled);
  expect(map.ready).toBe(false);
  expect(calls).toBe(MAX_LIST_SHARDS_PAGES);
  map.close();
});
