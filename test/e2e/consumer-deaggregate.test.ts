// A consumer reading through a split with deaggregate() and each shard's hash-key range sees
// every record exactly once. The split happens while the producer's shard map still names the
// parent, so its next aggregates land on one child holding members that belong to the other:
// the producer sends those members again, and only the range filter keeps them from being read
// twice.
import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  type DeaggregatedRecord,
  deaggregate,
  type HashKeyRange,
} from '../../packages/aggregation/src/index.js';
import type { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { payload, producerFor, tearDown } from '../support/producer.js';
import {
  listAllShards,
  readAllRecords,
  type ShardInfo,
  type StoredRecord,
  type UserRecordFound,
} from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const STREAM = 'consumer-split';

async function send(producer: KinesisProducer, sent: SentRecord[], from: number, count: number) {
  const pending: Promise<void>[] = [];
  for (let i = from; i < from + count; i++) {
    const rec: SentRecord = { partitionKey: `user-${i}`, data: payload(i, 30 + (i % 90)) };
    sent.push(rec);
    pending.push(
      producer.addUserRecord(STREAM, rec.partitionKey, rec.data).then((r) => {
        rec.result = r;
      }),
    );
  }
  await producer.flushSync();
  await Promise.all(pending);
}

function found(stored: StoredRecord, users: DeaggregatedRecord[]): UserRecordFound[] {
  return users.map((u) => ({
    shardId: stored.shardId,
    sequenceNumber: u.sequenceNumber!,
    subSequenceNumber: u.subSequenceNumber,
    partitionKey: u.partitionKey,
    explicitHashKey: u.explicitHashKey,
    data: Buffer.from(u.data),
    aggregated: u.aggregated,
  }));
}

/** Reads the stream as a consumer of each shape would, with or without the shards' ranges. */
function readAs(
  stored: StoredRecord[],
  shards: ShardInfo[],
  shape: 'sdk' | 'lambda',
  withRange: boolean,
): UserRecordFound[] {
  const byId = new Map(shards.map((s) => [s.shardId, s]));
  return stored.flatMap((r) => {
    const shard = byId.get(r.shardId)!;
    // Each shape's range as its reader holds it: the SDK's HashKeyRange strings, or bigints.
    const hashKeyRange: HashKeyRange =
      shape === 'sdk'
        ? {
            StartingHashKey: shard.startingHashKey.toString(),
            EndingHashKey: shard.endingHashKey.toString(),
          }
        : { startingHashKey: shard.startingHashKey, endingHashKey: shard.endingHashKey };
    const options = withRange ? { hashKeyRange } : {};
    const record =
      shape === 'sdk'
        ? {
            Data: new Uint8Array(r.data),
            PartitionKey: r.partitionKey,
            SequenceNumber: r.sequenceNumber,
          }
        : {
            eventSource: 'aws:kinesis',
            eventID: `${r.shardId}:${r.sequenceNumber}`,
            kinesis: {
              kinesisSchemaVersion: '1.0',
              partitionKey: r.partitionKey,
              sequenceNumber: r.sequenceNumber,
              data: r.data.toString('base64'),
              approximateArrivalTimestamp: 1_700_000_000.5,
            },
          };
    return found(r, deaggregate(record, options));
  });
}

describe('deaggregate with shard ranges, through a split (kinesalite)', () => {
  let emu: Emulator;
  let producer: KinesisProducer | undefined;
  beforeAll(async () => {
    emu = await startKinesalite();
  });
  afterAll(async () => {
    await tearDown(producer, emu);
  });

  test('every record exactly once; without the ranges the resent members show twice', async () => {
    await createStream(emu, STREAM, 1);
    producer = producerFor(emu.endpoint, { recordTtl: 120_000 });
    const sent: SentRecord[] = [];
    await send(producer, sent, 0, 300);

    const [parent] = await listAllShards(emu.client, STREAM);
    await emu.client.send(
      new SplitShardCommand({
        StreamName: STREAM,
        ShardToSplit: parent!.shardId,
        NewStartingHashKey: ((parent!.startingHashKey + parent!.endingHashKey) / 2n).toString(),
      }),
    );
    await waitFor('the split to finish', async () => {
      const shards = await listAllShards(emu.client, STREAM);
      return shards.filter((s) => !s.closed).length === 2;
    });
    // The producer still maps every key to the parent: it learns of the split from where its
    // aggregates land.
    await send(producer, sent, 300, 3000);

    const shards = await listAllShards(emu.client, STREAM);
    const stored = await readAllRecords(emu.client, STREAM);
    for (const shape of ['sdk', 'lambda'] as const) {
      const check = verifyDelivery(sent, readAs(stored, shards, shape, true), shards);
      expect(check.duplicates).toBe(0);
    }
    // The filter had work to do: read without it, the members sent again are there twice.
    expect(readAs(stored, shards, 'sdk', false).length).toBeGreaterThan(sent.length);
  });
});
