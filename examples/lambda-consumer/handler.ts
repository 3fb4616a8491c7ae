// A Lambda function behind a Kinesis event source. deaggregate() takes each event record as it
// comes and, given the shard's hash-key range, leaves out the members of an aggregated record
// that a producer sent again elsewhere after a split, so each user record is handled once.

import { KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { deaggregate, type LambdaKinesisEventRecord } from '@kinesis-producer/aggregation';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface KinesisStreamEvent {
  Records: (LambdaKinesisEventRecord & { eventID: string; eventSourceARN: string })[];
}

type Range = { StartingHashKey: string; EndingHashKey: string };

const kinesis = new KinesisClient({
  region: process.env.AWS_REGION,
  endpoint: process.env.KINESIS_ENDPOINT || undefined,
  requestHandler: new NodeHttpHandler(),
});
// Shard ranges change only when the stream is resharded: look them up once per environment, and
// again when an event names a shard not seen yet (a child of a split or merge).
const ranges = new Map<string, Range>();

async function rangeOf(streamArn: string, shardId: string): Promise<Range> {
  if (!ranges.has(shardId)) {
    let NextToken: string | undefined;
    do {
      const page = await kinesis.send(
        // The stream's name is the ARN's last part ("arn:aws:kinesis:...:stream/<name>").
        new ListShardsCommand(
          NextToken ? { NextToken } : { StreamName: streamArn.slice(streamArn.indexOf('/') + 1) },
        ),
      );
      for (const s of page.Shards ?? []) ranges.set(s.ShardId!, s.HashKeyRange as Range);
      NextToken = page.NextToken;
    } while (NextToken);
  }
  const range = ranges.get(shardId);
  if (!range) throw new Error(`${shardId} is not a shard of ${streamArn}`);
  return range;
}

/** What the function does with each user record; here, one JSON line on stdout. */
function handle(user: { partitionKey: string; data: Buffer; sequenceNumber?: string }) {
  console.log(
    JSON.stringify({ handled: { partitionKey: user.partitionKey, data: user.data.toString() } }),
  );
}

export async function handler(event: KinesisStreamEvent) {
  for (const record of event.Records) {
    // eventID is "<shard id>:<sequence number>".
    const shardId = record.eventID.slice(0, record.eventID.indexOf(':'));
    const hashKeyRange = await rangeOf(record.eventSourceARN, shardId);
    for (const user of deaggregate(record, { hashKeyRange })) handle(user);
  }
  return { batchItemFailures: [] };
}
