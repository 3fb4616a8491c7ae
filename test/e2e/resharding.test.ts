// Splits and merges while records flow. Read back as a KCL consumer reads (aggregated records
// on a shard that cannot hold a member's key lose that member), every record is there exactly
// once, and each result names the copy that counts.
import { performance } from 'node:perf_hooks';
import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { UserRecordResult } from '../../packages/kinesis-producer/src/index.js';
import {
  createStream,
  type Emulator,
  startKinesalite,
  startKinesisLocal,
} from '../support/emulators.js';
import { kclView } from '../support/kcl-view.js';
import { payload, producerFor } from '../support/producer.js';
import {
  deaggregateAll,
  listAllShards,
  readAllRecords,
  type ShardInfo,
} from '../support/read-back.js';
import { type Random, seeded } from '../support/seeded.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const EVERY_MS = 30;
const WAVES = 5;

async function openShards(emu: Emulator, stream: string): Promise<ShardInfo[]> {
  return (await listAllShards(emu.client, stream)).filter((s) => !s.closed);
}

async function whenSettled(emu: Emulator, stream: string, open: number) {
  await waitFor(
    `${stream} to have ${open} open shards`,
    async () => {
      if ((await openShards(emu, stream)).length !== open) return false;
      const d = await emu.client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    },
    {
      timeoutMs: 30_000,
      intervalMs: 50,
    },
  );
}

async function split(emu: Emulator, stream: string) {
  const [s] = await openShards(emu, stream);
  const mid = (s!.startingHashKey + s!.endingHashKey) / 2n;
  const before = (await openShards(emu, stream)).length;
  await emu.client.send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: s!.shardId,
      NewStartingHashKey: mid.toString(),
    }),
  );
  await whenSettled(emu, stream, before + 1);
}

async function merge(emu: Emulator, stream: string) {
  const open = (await openShards(emu, stream)).sort((a, b) =>
    a.startingHashKey < b.startingHashKey ? -1 : 1,
  );
  const a = open.find(
    (x, i) => open[i + 1] && open[i + 1]!.startingHashKey === x.endingHashKey + 1n,
  )!;
  const b = open[open.indexOf(a) + 1]!;
  await emu.client.send(
    new MergeShardsCommand({
      StreamName: stream,
      ShardToMerge: a.shardId,
      AdjacentShardToMerge: b.shardId,
    }),
  );
  await whenSettled(emu, stream, open.length - 1);
}

// kinesis-local stores a few thousand records a second: it gets fewer, so the reshards still
// happen while records flow without the test taking minutes.
describe.each([
  ['kinesalite', startKinesalite, 60_000],
  ['kinesis-local', startKinesisLocal, 15_000],
] as const)('resharding on %s', (name, start, count) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test(`${count} records through a split, a merge and another split`, async () => {
    await createStream(emu, 'r', 2);
    const producer = producerFor(emu.endpoint, { recordTtl: 300_000, requestTimeout: 60_000 });
    const sent: SentRecord[] = [];
    const completions: number[] = [];
    const results: Promise<void>[] = [];
    const events: { what: string; at: number }[] = [];
    const batch = count / 200;
    const t0 = performance.now();
    const reshard = (async () => {
      const steps: [string, () => Promise<void>][] = [
        ['split', () => split(emu, 'r')],
        ['merge', () => merge(emu, 'r')],
        ['split', () => split(emu, 'r')],
      ];
      for (const [what, step] of steps) {
        await new Promise((r) => setTimeout(r, 1500));
        events.push({ what, at: performance.now() - t0 });
        await step();
      }
    })();
    try {
      for (let i = 0; i < count; i++) {
        const rec: SentRecord = {
          partitionKey: `device-${i % 5000}-${i}`,
          explicitHashKey:
            i % 20 === 0 ? ((BigInt(i) * 2n ** 112n) % 2n ** 128n).toString() : undefined,
          data: payload(i, 40 + (i % 200)),
        };
        sent.push(rec);
        results.push(
          producer
            .addUserRecord('r', rec.partitionKey, rec.data, rec.explicitHashKey)
            .then((r: UserRecordResult) => {
              rec.result = r;
              completions.push(performance.now() - t0);
            }),
        );
        // Spread over about 200 pauses whatever the count, so the reshards meet records in flight.
        if (i % batch === batch - 1) await new Promise((r) => setTimeout(r, EVERY_MS));
      }
      await reshard;
      await producer.flushSync();
      await Promise.all(results);
    } finally {
      await producer.close();
    }

    const shards = await listAllShards(emu.client, 'r');
    // A split closes one shard, a merge two.
    expect(shards.filter((s) => s.closed).length).toBe(4);
    const found = deaggregateAll(await readAllRecords(emu.client, 'r'));
    const { kept, dropped } = kclView(found, shards);
    const check = verifyDelivery(sent, kept, shards);
    expect(check.duplicates).toBe(0);

    const resent = sent.filter((s) =>
      (s.result as UserRecordResult).attempts.some((a) => a.errorCode === 'WrongShard'),
    );
    // Recovery: the longest pause in results after each change.
    const pauses = events.map((e) => {
      let longest = 0;
      let prev = e.at;
      for (const c of completions
        .filter((c) => c >= e.at && c <= e.at + 3000)
        .sort((a, b) => a - b)) {
        longest = Math.max(longest, c - prev);
        prev = c;
      }
      return `${e.what} at ${(e.at / 1000).toFixed(1)} s: longest pause in results ${longest.toFixed(0)} ms`;
    });
    console.info(
      `${name}: ${count} records, ${found.length} copies stored, ${dropped.length} dropped by a KCL reader, ` +
        `${resent.length} resent after landing on the wrong shard\n${pauses.join('\n')}`,
    );
  }, 600_000);
});

/** Keys of 1 to 255 characters (some multi-byte), 10 % with explicit hash keys, 0 to 512 B. */
function mixedRecord(rand: Random, i: number): SentRecord {
  const len = 1 + Math.floor(rand() * 255);
  let key = `${i}:`;
  while (key.length < len) key += String.fromCharCode(0x61 + Math.floor(rand() * 26));
  key = key.slice(0, len);
  if (len === 1) key = String.fromCharCode(0x61 + (i % 26));
  const ehk =
    rand() < 0.1
      ? (BigInt(Math.floor(rand() * 2 ** 52)) * 2n ** 76n + BigInt(i)).toString()
      : undefined;
  return { partitionKey: key, explicitHashKey: ehk, data: payload(i, Math.floor(rand() * 513)) };
}

describe.each([
  ['kinesalite', startKinesalite, [1, 2, 3], 10_000],
  ['kinesis-local', startKinesisLocal, [4], 3_000],
] as const)('resharding between waves on %s', (_name, start, seeds, perWave) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test.each(seeds.map((s) => [s]))(
    `${WAVES} waves of ${perWave} mixed records, two splits and a merge between them (seed %d)`,
    async (seed) => {
      const stream = `w${seed}`;
      await createStream(emu, stream, 2);
      const rand = seeded(seed);
      const producer = producerFor(emu.endpoint, { recordTtl: 300_000, requestTimeout: 60_000 });
      const sent: SentRecord[] = [];
      const reshards = [split, split, merge, split];
      try {
        for (let w = 0; w < WAVES; w++) {
          const wave: Promise<unknown>[] = [];
          for (let i = 0; i < perWave; i++) {
            const rec = mixedRecord(rand, sent.length);
            sent.push(rec);
            wave.push(
              producer
                .addUserRecord(stream, rec.partitionKey, rec.data, rec.explicitHashKey)
                .then((r) => {
                  rec.result = r;
                }),
            );
          }
          // The reshard starts while this wave is still being aggregated and sent.
          if (w < WAVES - 1) await reshards[w]!(emu, stream);
          await Promise.all(wave);
        }
      } finally {
        await producer.close();
      }
      expect(sent).toHaveLength(WAVES * perWave);
      const shards = await listAllShards(emu.client, stream);
      const found = deaggregateAll(await readAllRecords(emu.client, stream));
      const { kept, dropped } = kclView(found, shards);
      const resent = sent.filter((s) =>
        (s.result as UserRecordResult | undefined)?.attempts.some(
          (a) => a.errorCode === 'WrongShard',
        ),
      ).length;
      console.info(
        `seed ${seed}: ${found.length} copies stored, ${dropped.length} dropped by a KCL reader, ${resent} resent after landing on the wrong shard`,
      );
      expect(verifyDelivery(sent, kept, shards).duplicates).toBe(0);
    },
    300_000,
  );
});
