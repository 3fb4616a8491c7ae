// A pipeline from an async iterable into producer.writable(): the stream takes records as fast
// as the producer has room for them (back-pressure), and 'finish' comes once every record has
// its result.
//
//   pnpm -C examples pipeline
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KinesisProducer } from 'kinesis-producer';
import { localKinesis } from '../lib/local-kinesis.js';

const STREAM = 'clicks';
const RECORDS = 5_000;

/** Any async source: a file being read, a queue, a database cursor. */
async function* clicks(): AsyncGenerator<{ partitionKey: string; data: string }> {
  for (let i = 0; i < RECORDS; i++) {
    yield { partitionKey: `session-${i % 250}`, data: JSON.stringify({ click: i }) };
  }
}

const kinesis = await localKinesis({ [STREAM]: 2 });
// A small limit, so the pipeline shows the producer holding the source back.
const producer = new KinesisProducer({ ...kinesis.producerOptions, maxOutstandingRecords: 500 });
const sink = producer.writable(STREAM);
let failed = 0;
sink.on('recordFailed', (error) => {
  failed++;
  console.error(error);
});

await pipeline(Readable.from(clicks()), sink);
await producer.close();
console.log(`${RECORDS} records written, ${failed} failed`);
if (kinesis.readRecords) {
  console.log(`${(await kinesis.readRecords(STREAM)).length} records in ${STREAM}`);
}
await kinesis.stop();
if (failed > 0) process.exitCode = 1;
