// Reads a whole stream back, the way a consumer would: every shard from TRIM_HORIZON with
// GetRecords, each Kinesis record split into its user records with our deaggregate().
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis';
import { deaggregate } from '../../packages/aggregation/src/index.js';

export interface Shard {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/** A user record as found in the stream. */
export interface FoundRecord {
  shardId: string;
  sequenceNumber: string;
  /** Position inside its aggregated Kinesis record; absent when it was sent alone. */
  subSequenceNumber?: number;
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}

export interface StreamContents {
  shards: Shard[];
  /** How many Kinesis records GetRecords returned (an aggregated record counts once). */
  kinesisRecords: number;
  userRecords: FoundRecord[];
}

// kinesalite answers an open shard's last page with no records and MillisBehindLatest 0; real
// Kinesis can return empty pages while data remains, so give those a bounded number of tries.
const MAX_EMPTY_PAGES = 100;

export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const input: ListShardsCommandInput = nextToken
      ? { NextToken: nextToken }
      : { StreamName: streamName };
    const out = await client.send(new ListShardsCommand(input));
    for (const s of out.Shards ?? []) {
      shards.push({
        shardId: s.ShardId!,
        startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
        endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
      });
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return shards;
}

export async function readStream(
  client: KinesisClient,
  streamName: string,
): Promise<StreamContents> {
  const shards = await listShards(client, streamName);
  const userRecords: FoundRecord[] = [];
  let kinesisRecords = 0;
  for (const shard of shards) {
    const start = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = start.ShardIterator;
    for (let empty = 0; iterator && empty < MAX_EMPTY_PAGES; ) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      const records = page.Records ?? [];
      for (const r of records) {
        kinesisRecords++;
        const users = deaggregate({
          partitionKey: r.PartitionKey!,
          data: r.Data ?? new Uint8Array(0),
          sequenceNumber: r.SequenceNumber,
        });
        for (const u of users) {
          userRecords.push({
            shardId: shard.shardId,
            sequenceNumber: r.SequenceNumber!,
            subSequenceNumber: u.subSequenceNumber,
            partitionKey: u.partitionKey,
            explicitHashKey: u.explicitHashKey,
            data: u.data,
          });
        }
      }
      iterator = page.NextShardIterator;
      if (records.length > 0) continue;
      if (!page.MillisBehindLatest) break;
      empty++;
    }
  }
  return { shards, kinesisRecords, userRecords };
}
