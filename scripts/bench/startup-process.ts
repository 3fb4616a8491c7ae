// Start-up of the producer, measured in a fresh process: from `new KinesisProducer()` to the
// result of its first record, several times in a row. The endpoint runs here so that the
// moments its first ListShards and first PutRecords arrive share the clock of the producer:
// spawn → ListShards is the daemon booting (Node, the bundle, the configuration frame).
// Prints one "RESULT {json}" line.
import { KinesisProducer } from '../../packages/kinesis-producer/dist/index.js';
import { CREDENTIALS, REGION } from './bench-client.js';
import { startInstantKinesis } from './instant-kinesis.js';
import { wallNow } from './proc.js';
import { closeProducer } from './producer-client.js';

export interface StartupSample {
  /** new KinesisProducer() → first result, ms. */
  firstResult: number;
  /** new KinesisProducer() → the daemon's first ListShards reached the endpoint, ms. */
  listShards: number;
  /** new KinesisProducer() → the first PutRecords reached the endpoint, ms. */
  firstPutRecords: number;
}

const starts = Number(process.argv[2] ?? 7);
const endpoint = await startInstantKinesis({ shards: 4 });
const samples: StartupSample[] = [];
for (let i = 0; i < starts; i++) {
  for (const k of Object.keys(endpoint.stats.first)) delete endpoint.stats.first[k];
  const t0 = wallNow();
  const producer = new KinesisProducer({
    region: REGION,
    kinesisEndpoint: endpoint.endpoint,
    credentials: CREDENTIALS,
    metricsLevel: 'none',
  });
  const result = producer.addUserRecord('s', 'first-key', Buffer.alloc(100));
  // Ask for the record to leave at once rather than after recordMaxBufferedTime.
  producer.flush();
  await result;
  const t1 = wallNow();
  samples.push({
    firstResult: t1 - t0,
    listShards: (endpoint.stats.first.ListShards ?? Number.NaN) - t0,
    firstPutRecords: (endpoint.stats.first.PutRecords ?? Number.NaN) - t0,
  });
  await closeProducer(producer);
}
await endpoint.close();
process.stdout.write(`RESULT ${JSON.stringify(samples)}\n`);
process.exit(0);
