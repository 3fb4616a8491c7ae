// The "user's process" of every scenario: one client, one load pattern, measured from inside.
// Run by run.ts with a JSON spec as its argument; prints one "RESULT {json}" line.
//   max:    add as fast as the client takes records for `seconds`, then wait for every result;
//   paced:  offer `rate` records/s in 10 ms steps for `seconds` (event-loop delay, latency,
//           shard utilisation), then wait for every result;
//   burst:  `burstSize` records added in one synchronous loop, then awaited, again and again
//           for `seconds`;
//   pipeline: `pipeline(Readable.from(generator), <the client's Writable>)`, the generator
//           ending after `seconds`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { KinesisProducerOptions } from '../../packages/kinesis-producer/dist/index.js';
import { type BenchClient, type BenchRecord, type ClientKind, createClient } from './clients.js';
import { cpuMicrosOf, peakRssKiBOf, runQueueWaitMsOf } from './proc.js';
import { type KeyMode, Workload } from './workload.js';

export interface UserSpec {
  client: ClientKind;
  endpoint: string;
  endpointPid?: number;
  stream: string;
  recordSize: number;
  mode: 'max' | 'paced' | 'burst' | 'pipeline';
  /** Partition keys from the pool of 65,536 (default) or fresh for every record. */
  keys?: KeyMode;
  /** Records per burst (mode burst). */
  burstSize?: number;
  /** Mode burst: flush() after each burst's loop, before awaiting it. */
  flushAfterBurst?: boolean;
  /** The producer takes records through its fire-and-forget API (no promise per record). */
  fireAndForget?: boolean;
  /** In max mode, hand each chunk of records over in one call (the client's batch form). */
  batch?: boolean;
  seconds: number;
  warmupSeconds: number;
  rate?: number;
  latency?: boolean;
  retryThrottled?: boolean;
  producerOptions?: KinesisProducerOptions;
}

export interface UserResult {
  client: ClientKind;
  recordSize: number;
  /** Records added in the measured phase, and their results. */
  added: number;
  ok: number;
  failed: number;
  /** Results of the warm-up, before the measured phase. */
  warmupRecords: number;
  /** From the first add of the measured phase to its last result. */
  elapsedSeconds: number;
  /** Only the adding part of the measured phase. */
  offerSeconds: number;
  /** Successful results that arrived while records were being offered. */
  okWhileOffering: number;
  userCpuMicros: number;
  helperCpuMicros?: number;
  endpointCpuMicros?: number;
  userPeakRssKiB: number;
  helperPeakRssKiB?: number;
  /** Run-queue wait of the main threads during the measured phase, ms (CPU contention). */
  userRunWaitMs: number;
  helperRunWaitMs?: number;
  sentEntries: number;
  throttledEntries: number;
  eventLoop?: { p50: number; p99: number; max: number };
  latency?: { p50: number; p99: number; max: number };
}

const CHUNK = 500;
const TICK_MS = 10;
const spec = JSON.parse(process.argv[2]!) as UserSpec;
const work = new Workload(spec.recordSize, spec.keys);
const client = createClient(
  spec.client,
  spec.endpoint,
  spec.stream,
  spec.recordSize,
  spec.producerOptions,
  spec.retryThrottled,
  spec.fireAndForget,
);
const latencies: number[] = [];

const yieldTurn = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function addOne(c: BenchClient): void {
  if (!spec.latency) {
    c.add(work.key(), work.data());
    return;
  }
  const t = performance.now();
  c.add(work.key(), work.data(), () => latencies.push(performance.now() - t));
}

async function offerMax(c: BenchClient, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let added = 0;
  while (performance.now() < end) {
    await c.room(CHUNK);
    if (spec.batch) {
      const records = new Array<BenchRecord>(CHUNK);
      for (let i = 0; i < CHUNK; i++) records[i] = { partitionKey: work.key(), data: work.data() };
      await c.addMany(records);
    } else for (let i = 0; i < CHUNK; i++) addOne(c);
    added += CHUNK;
    // Let results and writes through, as any real event loop would.
    await yieldTurn();
  }
  return added;
}

async function offerPaced(c: BenchClient, seconds: number, rate: number): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let added = 0;
  for (let now = start; now < end; now = performance.now()) {
    const due = Math.floor(((now - start) / 1000) * rate);
    // What the client cannot take now is not offered again later: the offered rate then drops,
    // and the result says so.
    let n = due - added;
    while (n > 0 && c.hasRoom(Math.min(n, CHUNK))) {
      const k = Math.min(n, CHUNK);
      for (let i = 0; i < k; i++) addOne(c);
      added += k;
      n -= k;
    }
    if (n > 0) added = due;
    await sleep(TICK_MS);
  }
  return added;
}

/** Bursts until `seconds` have passed; the last one is awaited like the others. */
async function offerBursts(c: BenchClient, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const n = spec.burstSize!;
  let added = 0;
  do {
    await c.burst(work, n, spec.flushAfterBurst);
    added += n;
  } while (performance.now() < end);
  return added;
}

async function offerPipeline(c: BenchClient, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let added = 0;
  function* records(): Generator<BenchRecord> {
    while (performance.now() < end) {
      // The clock is read once per 100 records: what a generator reading a source costs.
      for (let i = 0; i < 100; i++) yield { partitionKey: work.key(), data: work.data() };
      added += 100;
    }
  }
  await c.pipe(records());
  return added;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const offer = (seconds: number): Promise<number> => {
  switch (spec.mode) {
    case 'max':
      return offerMax(client, seconds);
    case 'paced':
      return offerPaced(client, seconds, spec.rate!);
    case 'burst':
      return offerBursts(client, seconds);
    case 'pipeline':
      return offerPipeline(client, seconds);
  }
};

// Warm up both processes (JIT, connections, shard map) outside the measurement.
if (spec.warmupSeconds > 0) {
  await offer(spec.warmupSeconds);
  await client.drain();
}
latencies.length = 0;
const skipped = { ok: client.ok, failed: client.failed };
const entries = { sent: client.sentEntries, throttled: client.throttledEntries };
const helper = client.helperPid;
const eld = monitorEventLoopDelay({ resolution: 1 });
const cpu0 = process.cpuUsage();
const helperCpu0 = helper ? cpuMicrosOf(helper) : 0;
const endpointCpu0 = spec.endpointPid ? cpuMicrosOf(spec.endpointPid) : 0;
const wait0 = runQueueWaitMsOf('self');
const helperWait0 = helper ? runQueueWaitMsOf(helper) : 0;
// The orchestrator reads endpoint counters at these marks.
process.stdout.write('MARK start\n');
const t0 = performance.now();
eld.enable();
const offered = await offer(spec.seconds);
eld.disable();
const t1 = performance.now();
process.stdout.write('MARK end\n');
const okWhileOffering = client.ok - skipped.ok;
await client.drain();
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const result: UserResult = {
  client: spec.client,
  recordSize: spec.recordSize,
  added: spec.mode === 'paced' ? client.ok + client.failed - skipped.ok - skipped.failed : offered,
  ok: client.ok - skipped.ok,
  failed: client.failed - skipped.failed,
  warmupRecords: skipped.ok + skipped.failed,
  elapsedSeconds: (t2 - t0) / 1000,
  offerSeconds: (t1 - t0) / 1000,
  okWhileOffering,
  userCpuMicros: cpu.user + cpu.system,
  helperCpuMicros: helper ? cpuMicrosOf(helper) - helperCpu0 : undefined,
  endpointCpuMicros: spec.endpointPid ? cpuMicrosOf(spec.endpointPid) - endpointCpu0 : undefined,
  // VmHWM, not getrusage's maxRSS: Linux carries maxRSS over from the parent through fork and
  // exec, so it would report the orchestrator's size.
  userPeakRssKiB: peakRssKiBOf(process.pid),
  userRunWaitMs: runQueueWaitMsOf('self') - wait0,
  helperRunWaitMs: helper ? runQueueWaitMsOf(helper) - helperWait0 : undefined,
  helperPeakRssKiB: helper ? peakRssKiBOf(helper) : undefined,
  sentEntries: client.sentEntries - entries.sent,
  throttledEntries: client.throttledEntries - entries.throttled,
  eventLoop: {
    p50: eld.percentile(50) / 1e6,
    p99: eld.percentile(99) / 1e6,
    max: eld.max / 1e6,
  },
};
if (spec.latency) {
  latencies.sort((a, b) => a - b);
  result.latency = {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}
await client.close();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
