// A user's script, run by tests with `node --import tsx producer-script.ts <mode> <endpoint>`:
//   hold      keeps a record outstanding, prints its daemon's pid and waits to be killed;
//   close     sends a record, awaits close() and prints "closed": it must then exit by itself;
//   close-metrics  the same with a metrics request answered while close() waits for the daemon;
//   idle      sends a record and does nothing more: an idle producer must not keep it alive;
//   warnings  no logger: a normal run, then its daemon killed; prints the process warnings;
//   buffered  hands 1,000 records (see bufferedRecord) for stream `drain` to its daemon, which
//             buffers them for 30 s, prints "buffered <daemon pid>" once they are all in the
//             daemon's pipe, and waits to be killed.
import { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { BUFFERED_COUNT, bufferedRecord } from './buffered-records.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';

const [mode, endpoint] = process.argv.slice(2);

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.message));

const producer = new KinesisProducer({
  region: TEST_REGION,
  kinesisEndpoint: endpoint,
  credentials: TEST_CREDENTIALS,
  ...(mode === 'hold' ? { recordMaxBufferedTime: 600_000, recordTtl: 600_000 } : {}),
  // Far longer than the test waits: only the drain on end of input can send these in time.
  ...(mode === 'buffered' ? { recordMaxBufferedTime: 30_000, recordTtl: 60_000 } : {}),
});
const daemonPid = () => producerInternals(producer).daemonPid!;

if (mode === 'hold') {
  void producer.addUserRecord('s', 'pk', 'held in the daemon').catch(() => {});
  process.stdout.write(`daemon ${daemonPid()}\n`);
  setInterval(() => {}, 60_000);
} else if (mode === 'buffered') {
  for (let i = 0; i < BUFFERED_COUNT; i++) {
    const r = bufferedRecord(i);
    void producer.addUserRecord('drain', r.partitionKey, r.data).catch(() => {});
  }
  const internals = producerInternals(producer);
  while (internals.waitingForConfiguration || internals.pendingBytes > 0) {
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write(`buffered ${daemonPid()}\n`);
  setInterval(() => {}, 60_000);
} else if (mode === 'close') {
  await producer.addUserRecord('s', 'pk', 'x');
  await producer.close();
  process.stdout.write('closed\n');
} else if (mode === 'close-metrics') {
  await producer.addUserRecord('s', 'pk', 'x');
  // Answered by the daemon before it exits: the answer must not let the process go idle while
  // the top-level await below still waits for that exit.
  const metrics = producer.getMetrics();
  await producer.close();
  await metrics;
  process.stdout.write('closed\n');
} else if (mode === 'idle') {
  await producer.addUserRecord('s', 'pk', 'x');
  process.stdout.write(`idle ${daemonPid()}\n`);
} else if (mode === 'warnings') {
  await Promise.all(
    Array.from({ length: 100 }, (_, i) => producer.addUserRecord('s', `pk${i}`, 'x')),
  );
  const quiet = warnings.length;
  process.kill(daemonPid(), 'SIGKILL');
  await producer.addUserRecord('s', 'after', 'x');
  await producer.close();
  process.stdout.write(`${JSON.stringify({ quiet, warnings })}\n`);
}
