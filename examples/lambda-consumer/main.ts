// Runs the Lambda consumer as Lambda's event source mapping would: a producer aggregates
// records into the stream; each shard is read in order and handed to the handler in batches of
// up to 100 event records, shaped as Lambda shapes them.
//
//   pnpm -C examples lambda-consumer
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisProducer } from 'kinesis-producer';
import { localKinesis } from '../lib/local-kinesis.js';

const STREAM = 'readings';
const RECORDS = 600;
const BATCH = 100;
const ACCOUNT = '000000000000';

const kinesis = await localKinesis({ [STREAM]: 2 });
process.env.AWS_REGION = kinesis.region;
process.env.KINESIS_ENDPOINT = kinesis.endpoint;
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
const { handler } = await import('./handler.js');

// Records from a producer, aggregated: here one Kinesis record per sensor, each holding that
// sensor's readings, because they are held until close() flushes them all at once.
const producer = new KinesisProducer({
  ...kinesis.producerOptions,
  aggregationMode: 'partitionKey',
  recordMaxBufferedTime: 60_000,
});
const produced = Array.from({ length: RECORDS }, (_, i) =>
  producer.addUserRecord(STREAM, `sensor-${i % 40}`, `reading ${i}`),
);
await producer.close();
await Promise.all(produced);

// The event source mapping: each shard from its start, in batches.
const client = new KinesisClient({
  region: kinesis.region,
  endpoint: kinesis.endpoint,
  requestHandler: new NodeHttpHandler(),
});
const streamArn = `arn:aws:kinesis:${kinesis.region}:${ACCOUNT}:stream/${STREAM}`;
let kinesisRecords = 0;
const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: STREAM }));
for (const shard of Shards) {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: STREAM,
      ShardId: shard.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let iterator = ShardIterator;
  while (iterator) {
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH }),
    );
    const records = page.Records ?? [];
    if (records.length === 0) break;
    kinesisRecords += records.length;
    await handler({
      Records: records.map((r) => ({
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventName: 'aws:kinesis:record',
        eventID: `${shard.ShardId}:${r.SequenceNumber}`,
        eventSourceARN: streamArn,
        awsRegion: kinesis.region,
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.PartitionKey!,
          sequenceNumber: r.SequenceNumber!,
          data: Buffer.from(r.Data!).toString('base64'),
          approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime() / 1000,
        },
      })),
    });
    iterator = page.NextShardIterator;
  }
}
console.log(
  `${RECORDS} records produced, stored as ${kinesisRecords} Kinesis records, handled above`,
);
client.destroy();
await kinesis.stop();
