// A user's script that uses put() with no onPutFailure listener, run by tests with
// `node --import tsx put-script.ts <endpoint>` (process warnings are only seen in a process of
// its own). Two records the service refuses make flushSync() reject, one more makes close()
// reject; it prints, as JSON, what each rejected with and the process warnings it got.
import { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';

const [endpoint] = process.argv.slice(2);
const warnings: { code?: string; message: string }[] = [];
process.on('warning', (w: Error & { code?: string }) =>
  warnings.push({ code: w.code, message: w.message }),
);

const producer = new KinesisProducer({
  region: TEST_REGION,
  kinesisEndpoint: endpoint,
  credentials: TEST_CREDENTIALS,
  recordTtl: 60_000,
});

// Over the service's 1 MiB record limit with its 100-character key: refused every time.
const refuse = (n: number) => producer.put('s', `${n}`.padEnd(100, 'p'), Buffer.alloc(1024 * 1024));
const outcome = (p: Promise<void>) =>
  p.then(
    () => null,
    (e: Error & { code?: string; count?: number }) => ({
      name: e.name,
      code: e.code,
      count: e.count,
    }),
  );

for (let i = 0; i < 100; i++) producer.put('s', `k${i}`, `data ${i}`);
refuse(1);
refuse(2);
const flushed = await outcome(producer.flushSync());
const again = await outcome(producer.flushSync());
refuse(3);
const closed = await outcome(producer.close());
// Warnings are emitted on the next tick.
await new Promise((r) => setImmediate(r));
process.stdout.write(`${JSON.stringify({ flushed, again, closed, warnings })}\n`);
