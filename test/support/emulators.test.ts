import { createHash } from 'node:crypto';
import {
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, test } from '@jest/globals';
import { createStream, type Emulator, startKinesalite, startKinesisLocal } from './emulators.js';
import { MAX_HASH_KEY, partitionKeyHash } from './hash-key.js';
import { localKinesisClient } from './kinesis-client.js';
import { deaggregateAll, listAllShards, readAllRecords } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';
import { waitFor } from './wait.js';

/** Puts the entries in one PutRecords call and returns them as SentRecords with their results. */
async function put(
  emu: Emulator,
  stream: string,
  entries: PutRecordsRequestEntry[],
): Promise<SentRecord[]> {
  const out = await emu.client.send(
    new PutRecordsCommand({ StreamName: stream, Records: entries }),
  );
  expect(out.FailedRecordCount).toBe(0);
  return entries.map((e, i) => ({
    partitionKey: e.PartitionKey!,
    explicitHashKey: e.ExplicitHashKey,
    data: Buffer.from(e.Data!),
    result: { shardId: out.Records![i]!.ShardId, sequenceNumber: out.Records![i]!.SequenceNumber },
  }));
}

function plainEntries(n: number): PutRecordsRequestEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    PartitionKey: `key-${i}`,
    Data: Buffer.from(`payload-${i}`),
    ExplicitHashKey:
      i % 4 === 0 ? ((MAX_HASH_KEY / 4n) * BigInt((i % 16) / 4)).toString() : undefined,
  }));
}

async function expectStopped(emu: Emulator): Promise<void> {
  const probe = localKinesisClient(emu.endpoint, { maxAttempts: 1 });
  try {
    await expect(probe.send(new ListStreamsCommand({}))).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    probe.destroy();
  }
}

describe('kinesalite', () => {
  test('starts, stores what PutRecords sends, reads it back and stops', async () => {
    const emu = await startKinesalite();
    try {
      expect(emu).toMatchObject({ kind: 'kinesalite', region: 'us-east-1' });
      expect(emu.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await createStream(emu, 's', 4);
      const shards = await listAllShards(emu.client, 's');
      expect(shards).toHaveLength(4);
      const sent = await put(emu, 's', plainEntries(200));
      const stored = await readAllRecords(emu.client, 's');
      expect(stored).toHaveLength(200);
      verifyDelivery(sent, deaggregateAll(stored), shards);
    } finally {
      await emu.stop();
    }
    await expectStopped(emu);
  });

  test('reads closed parent shards too after a split', async () => {
    const emu = await startKinesalite();
    try {
      await createStream(emu, 'split', 1);
      const before = await put(emu, 'split', plainEntries(40));
      const half = ((MAX_HASH_KEY + 1n) / 2n).toString();
      await emu.client.send(
        new SplitShardCommand({
          StreamName: 'split',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: half,
        }),
      );
      await waitFor('the split to finish', async () => {
        const out = await emu.client.send(
          new DescribeStreamSummaryCommand({ StreamName: 'split' }),
        );
        return out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
      });
      const after = await put(
        emu,
        'split',
        plainEntries(40).map((e) => ({ ...e, Data: Buffer.from(`after-${e.PartitionKey}`) })),
      );
      const shards = await listAllShards(emu.client, 'split');
      expect(shards.map((s) => [s.shardId, s.closed, s.parentShardId])).toEqual([
        ['shardId-000000000000', true, undefined],
        ['shardId-000000000001', false, 'shardId-000000000000'],
        ['shardId-000000000002', false, 'shardId-000000000000'],
      ]);
      const found = deaggregateAll(await readAllRecords(emu.client, 'split'));
      verifyDelivery([...before, ...after], found, shards);
      expect(new Set(found.map((f) => f.shardId)).size).toBe(3);
    } finally {
      await emu.stop();
    }
  });

  test('round-trips a KPL aggregated record', async () => {
    const emu = await startKinesalite();
    try {
      await createStream(emu, 'agg', 1);
      // The KPL's worked example: (pk1, hello), (pk2, world), (pk1, !).
      const pb = Buffer.from(
        '0a03706b310a03706b321a0908001a0568656c6c6f1a0908011a05776f726c641a0508001a0121',
        'hex',
      );
      const data = Buffer.concat([
        Buffer.from('f3899ac2', 'hex'),
        pb,
        createHash('md5').update(pb).digest(),
      ]);
      const [kr] = await put(emu, 'agg', [
        { PartitionKey: 'a', ExplicitHashKey: partitionKeyHash('pk1').toString(), Data: data },
      ]);
      const found = deaggregateAll(await readAllRecords(emu.client, 'agg'));
      expect(found.map((f) => f.subSequenceNumber)).toEqual([0, 1, 2]);
      const users: [string, string][] = [
        ['pk1', 'hello'],
        ['pk2', 'world'],
        ['pk1', '!'],
      ];
      const sent = users.map(([partitionKey, d]) => ({
        partitionKey,
        data: Buffer.from(d),
        result: kr!.result,
      }));
      verifyDelivery(sent, found, await listAllShards(emu.client, 'agg'));
    } finally {
      await emu.stop();
    }
  });
});

describe('kinesis-local', () => {
  test('starts, stores what PutRecords sends, reads it back and stops', async () => {
    const emu = await startKinesisLocal();
    try {
      expect(emu.kind).toBe('kinesis-local');
      await createStream(emu, 's', 2);
      const shards = await listAllShards(emu.client, 's');
      expect(shards).toHaveLength(2);
      const sent = await put(emu, 's', plainEntries(20));
      const stored = await readAllRecords(emu.client, 's');
      expect(stored).toHaveLength(20);
      verifyDelivery(sent, deaggregateAll(stored), shards);
    } finally {
      await emu.stop();
    }
    await expectStopped(emu);
  });
});
