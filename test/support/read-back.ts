import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis';

/** A Kinesis record as GetRecords returns it (an aggregated record is one StoredRecord). */
export interface StoredRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  /** Known only from the fake server: GetRecords does not return it. */
  explicitHashKey?: string;
  data: Buffer;
}

export interface ShardInfo {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
  parentShardId?: string;
  adjacentParentShardId?: string;
  closed: boolean;
}

/** A user record recovered from a StoredRecord: itself, or one member of an aggregated record. */
export interface UserRecordFound {
  shardId: string;
  sequenceNumber: string;
  /** Its index inside an aggregated record; absent for a plain record. */
  subSequenceNumber?: number;
  partitionKey: string;
  /** From the aggregated record's table (the only place a reader can see it). */
  explicitHashKey?: string;
  data: Buffer;
  aggregated: boolean;
  /** The enclosing Kinesis record's explicit hash key, when the server reported it. */
  kinesisRecordExplicitHashKey?: string;
}

/** Every shard of the stream, closed ones included, across all pages. */
export async function listAllShards(client: KinesisClient, stream: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let nextToken: string | undefined;
  do {
    const input: ListShardsCommandInput = nextToken
      ? { NextToken: nextToken }
      : { StreamName: stream, MaxResults: 1000 };
    const out = await client.send(new ListShardsCommand(input));
    for (const s of out.Shards ?? []) {
      shards.push({
        shardId: s.ShardId!,
        startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
        endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
        parentShardId: s.ParentShardId,
        adjacentParentShardId: s.AdjacentParentShardId,
        closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      });
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return shards;
}

/** Every record stored in the stream: each shard read from TRIM_HORIZON until drained. */
export async function readAllRecords(
  client: KinesisClient,
  stream: string,
): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  for (const shard of await listAllShards(client, stream)) {
    const it = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = it.ShardIterator;
    // An open shard never ends; an empty page with nothing behind means we have read it all.
    // Real Kinesis may return empty pages while data remains (MillisBehindLatest > 0).
    for (let emptyPages = 0; iterator && emptyPages < 100; ) {
      const out = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }),
      );
      for (const r of out.Records ?? []) {
        records.push({
          shardId: shard.shardId,
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          data: Buffer.from(r.Data ?? new Uint8Array(0)),
        });
      }
      iterator = out.NextShardIterator;
      if ((out.Records?.length ?? 0) > 0) continue;
      if (!out.MillisBehindLatest) break;
      emptyPages++;
    }
  }
  return records;
}

// aws-kinesis-agg is CommonJS and its bundled typings reference packages we do not install.
interface AggUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}
interface AggLib {
  deaggregateSync(
    record: { partitionKey: string; sequenceNumber: string; data: string },
    computeChecksums: boolean,
    done: (err: Error | null | undefined, records?: AggUserRecord[]) => void,
  ): void;
}
interface AggProtoRecord {
  records: object[];
}
interface AggCommon {
  AggregatedRecord: { decode(bytes: Uint8Array): AggProtoRecord };
}
const require = createRequire(import.meta.url);
const agg = require('aws-kinesis-agg') as AggLib;
const aggCommon = require('aws-kinesis-agg/lib/common.js') as AggCommon;

const MAGIC = Buffer.from('f3899ac2', 'hex');

/** KCL rule: aggregated iff it starts with the magic and ends with the MD5 of the middle part. */
function isAggregated(data: Buffer): boolean {
  if (data.length < MAGIC.length + 16 || !data.subarray(0, 4).equals(MAGIC)) return false;
  const digest = createHash('md5')
    .update(data.subarray(4, data.length - 16))
    .digest();
  return digest.equals(data.subarray(data.length - 16));
}

/** Splits every stored record into the user records it carries, using aws-kinesis-agg. */
export function deaggregateAll(records: StoredRecord[]): UserRecordFound[] {
  const found: UserRecordFound[] = [];
  for (const r of records) {
    if (!isAggregated(r.data)) {
      found.push({
        shardId: r.shardId,
        sequenceNumber: r.sequenceNumber,
        partitionKey: r.partitionKey,
        data: r.data,
        aggregated: false,
        kinesisRecordExplicitHashKey: r.explicitHashKey,
      });
      continue;
    }
    let users: AggUserRecord[] = [];
    let failure: Error | undefined;
    agg.deaggregateSync(
      {
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: r.data.toString('base64'),
      },
      true,
      (err, out) => {
        if (err) failure ??= err;
        else users = out ?? [];
      },
    );
    if (failure) {
      throw new Error(
        `aws-kinesis-agg could not deaggregate record ${r.sequenceNumber} in ${r.shardId}: ${failure.message}`,
      );
    }
    // aws-kinesis-agg reports explicit_hash_key_table[0] for members without an index (protobufjs
    // puts a default 0 on the prototype), so ask its decoder which members really carry one.
    const members = aggCommon.AggregatedRecord.decode(
      r.data.subarray(4, r.data.length - 16),
    ).records;
    users.forEach((u, i) => {
      const hasKey = Object.hasOwn(members[i] ?? {}, 'explicit_hash_key_index');
      found.push({
        shardId: r.shardId,
        sequenceNumber: r.sequenceNumber,
        subSequenceNumber: u.subSequenceNumber ?? i,
        partitionKey: u.partitionKey,
        explicitHashKey: hasKey ? u.explicitPartitionKey : undefined,
        data: Buffer.from(u.data, 'base64'),
        aggregated: true,
        kinesisRecordExplicitHashKey: r.explicitHashKey,
      });
    });
  }
  return found;
}
