// A producer process pushed far past what its endpoint accepts, run with `node --import tsx`:
//   pressure-run.ts <endpoint> <writable|loop> <seconds> <records/s offered> <options JSON> [bytes]
// It offers records of the given size (default 1 KiB) at the given rate for the given time, through producer.writable() or
// a waitForCapacity() loop, samples its own RSS and its daemon's every 100 ms, then prints one
// JSON line with the peaks and the counts.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KinesisProducer,
  type KinesisProducerOptions,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';

const [endpoint, mode, seconds, rate, json, size] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as KinesisProducerOptions;
const RECORD_BYTES = Number(size ?? 1024);
const TICK_MS = 10;

const producer = new KinesisProducer({
  region: TEST_REGION,
  kinesisEndpoint: endpoint,
  credentials: TEST_CREDENTIALS,
  ...options,
});
const daemonPid = () => producerInternals(producer).daemonPid!;

function daemonRss(): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${daemonPid()}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const stats = {
  offered: 0,
  succeeded: 0,
  failed: 0,
  maxOutstanding: 0,
  maxWrapperRss: 0,
  maxWrapperHeap: 0,
  maxDaemonRss: 0,
  startWrapperRss: process.memoryUsage().rss,
};
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  stats.maxWrapperRss = Math.max(stats.maxWrapperRss, m.rss);
  stats.maxWrapperHeap = Math.max(stats.maxWrapperHeap, m.heapUsed + m.external);
  stats.maxDaemonRss = Math.max(stats.maxDaemonRss, daemonRss());
  stats.maxOutstanding = Math.max(stats.maxOutstanding, producer.getOutstandingRecordsCount());
}, 100);

const end = performance.now() + Number(seconds) * 1000;
const perTick = Math.max(1, Math.round((Number(rate) * TICK_MS) / 1000));
let n = 0;
const record = () => {
  const data = Buffer.alloc(RECORD_BYTES, n % 251);
  data.writeUInt32BE(n);
  return { partitionKey: `pk-${n++}`, data };
};

/** Records at the offered rate at most: a tick's worth, then a pause until the next tick. */
async function* offers() {
  let next = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < perTick; i++) {
      stats.offered++;
      yield record();
    }
    next += TICK_MS;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

const count = (p: Promise<unknown>) =>
  p.then(
    () => stats.succeeded++,
    () => stats.failed++,
  );

// The backlog would take minutes to drain at the endpoint's rate: once the offering ends, the
// peaks are taken and the producer is destroyed.
let offering: Promise<void>;
let finished: Promise<unknown>;
let w: ReturnType<typeof producer.writable> | undefined;
if (mode === 'writable') {
  w = producer.writable('s');
  w.on('recordFailed', () => {});
  let ended!: () => void;
  offering = new Promise((r) => {
    ended = r;
  });
  const source = Readable.from(
    (async function* () {
      yield* offers();
      ended();
    })(),
  );
  // It ends with the producer's ProducerDestroyedError below: expected here.
  finished = pipeline(source, w).catch(() => {});
} else {
  offering = (async () => {
    for await (const r of offers()) {
      await producer.waitForCapacity();
      void count(producer.addUserRecord({ streamName: 's', ...r }));
    }
  })();
  finished = offering;
}
await offering;
clearInterval(sampler);
if (w) {
  stats.succeeded = w.succeeded;
  stats.failed = w.failed;
}
const result = { ...stats, outstandingAtEnd: producer.getOutstandingRecordsCount() };
await producer.destroy();
await finished;
process.stdout.write(`${JSON.stringify(result)}\n`);
