// The retrier's verdicts on where aggregates landed, against a shard map fed by a scripted
// ListShards: an aggregate is sent again only when the shard it landed on cannot hold it whole.
import { describe, expect, test } from '@jest/globals';
import { now } from './clock.js';
import { hashKeyFromDecimal } from './hex-hash-key.js';
import { KinesisRecord } from './kinesis-record.js';
import { PutRecordsBatch } from './put-records-batch.js';
import { Retrier } from './retrier.js';
import { type ListShards, type ShardDescription, ShardMap, shardIdText } from './shard-map.js';
import { UserRecord } from './user-record.js';

const MAX = 2n ** 128n - 1n;
const MID = MAX / 2n;

function shard(n: number, start: bigint, end: bigint, closed = false): ShardDescription {
  return {
    shardId: shardIdText(n),
    startingHashKey: start.toString(),
    endingHashKey: end.toString(),
    closed,
  };
}

/** A ListShards whose answers the test releases one by one, each with the shards of its time. */
function scriptedListShards() {
  const calls: { request: Parameters<ListShards>[0]; answer: (s: ShardDescription[]) => void }[] =
    [];
  const list: ListShards = (request) =>
    new Promise((resolve) => {
      calls.push({ request, answer: (shards) => resolve({ shards }) });
    });
  return { list, calls };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition not met');
}

function record(id: number, hash: bigint, predicted: number): UserRecord {
  const ur = new UserRecord(
    id,
    `k${id}`,
    hash.toString(),
    new Uint8Array(1),
    hashKeyFromDecimal(hash),
    now(),
    100,
    30_000,
  );
  ur.predictedShard = predicted;
  return ur;
}

function harness(list: ListShards) {
  const map = new ShardMap('s', list, () => undefined);
  const reput: UserRecord[] = [];
  const finished: UserRecord[] = [];
  const retrier = new Retrier({ failIfThrottled: false, recordMaxBufferedTime: 100 }, map, {
    reput: (ur) => reput.push(ur),
    finish: (ur) => finished.push(ur),
  });
  return { map, retrier, reput, finished };
}

function landed(records: UserRecord[], on: number) {
  const kr = new KinesisRecord();
  for (const ur of records) kr.add(ur);
  const batch = new PutRecordsBatch();
  batch.add(kr);
  const outcome = {
    ok: true as const,
    records: [{ shardId: shardIdText(on), sequenceNumber: '1' }],
  };
  return { batch, outcome };
}

describe('Retrier verdicts after a reshard', () => {
  /** Shard 0 has split into 1 [0, MID] and 2 [MID+1, MAX]; a refresh begun before the split is under way. */
  async function afterSplit() {
    const { list, calls } = scriptedListShards();
    const h = harness(list);
    calls[0]!.answer([shard(0, 0n, MAX)]);
    await until(() => h.map.ready);
    h.map.invalidate(now() + 1, 0);
    await until(() => calls.length === 2);
    const land = (records: UserRecord[]) => {
      const start = now() + 2;
      const { batch, outcome } = landed(records, 2);
      h.retrier.onOutcome(batch, outcome, start, start + 1);
      // The refresh's answer predates the split; whatever the map asks next knows the children.
      calls[1]!.answer([shard(0, 0n, MAX)]);
    };
    const answerLater = async (settled: () => boolean) => {
      for (let i = 2; i < 6 && !settled(); i++) {
        await until(() => calls.length > i || settled());
        if (!settled()) {
          calls[i]!.answer([shard(0, 0n, MAX, true), shard(1, 0n, MID), shard(2, MID + 1n, MAX)]);
        }
      }
      await until(settled);
    };
    return { h, land, answerLater };
  }

  test('an aggregate wholly inside the range of the shard it landed on is delivered, even when a refresh begun before the landing could not list that shard', async () => {
    const { h, land, answerLater } = await afterSplit();
    const records = [record(1, MAX - 5n, 0), record(2, MID + 10n, 0), record(3, MID + 1n, 0)];
    land(records);
    await answerLater(() => h.finished.length + h.reput.length === 3);
    expect(h.reput).toEqual([]);
    expect(h.finished.map((u) => u.shardId)).toEqual(Array(3).fill(shardIdText(2)));
    h.retrier.close();
    h.map.close();
  });

  test('an aggregate the landing shard does not wholly hold is sent again whole, as a KCL consumer drops it whole', async () => {
    const { h, land, answerLater } = await afterSplit();
    const records = [record(1, MAX - 5n, 0), record(2, MID + 10n, 0), record(3, 7n, 0)];
    land(records);
    await answerLater(() => h.finished.length + h.reput.length === 3);
    expect(h.finished).toEqual([]);
    expect(h.reput.map((u) => u.sourceId)).toEqual([1, 2, 3]);
    for (const ur of records) expect(ur.attempts.at(-1)?.errorCode).toBe('WrongShard');
    h.retrier.close();
    h.map.close();
  });

  test('closed shards in a listing (emulators ignore ShardFilter) are never predicted, but their ranges stay known', async () => {
    const { list, calls } = scriptedListShards();
    const h = harness(list);
    calls[0]!.answer([shard(0, 0n, MAX, true), shard(1, 0n, MID), shard(2, MID + 1n, MAX)]);
    await until(() => h.map.ready);
    expect(h.map.shardCount).toBe(2);
    expect(h.map.shardFor(hashKeyFromDecimal(MAX))).toBe(2);
    expect(h.map.shardFor(hashKeyFromDecimal(0n))).toBe(1);
    expect(h.map.hashRange(0)).toBeDefined();
    h.map.close();
  });

  test('a parent listed without its end, beside its children, counts as closed', async () => {
    const { list, calls } = scriptedListShards();
    const h = harness(list);
    calls[0]!.answer([
      shard(0, 0n, MAX),
      { ...shard(1, 0n, MID), parentShardId: shardIdText(0) },
      { ...shard(2, MID + 1n, MAX), parentShardId: shardIdText(0) },
    ]);
    await until(() => h.map.ready);
    expect(h.map.shardCount).toBe(2);
    expect(h.map.shardFor(hashKeyFromDecimal(MAX))).toBe(2);
    h.map.close();
  });
});
