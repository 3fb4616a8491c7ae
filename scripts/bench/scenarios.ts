// The scenarios of `pnpm bench`. Each client runs in a fresh "user" process (user-process.ts), so
// no run inherits another's heap or JIT state; endpoints run in processes of their own.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KinesisProducerOptions } from '../../packages/kinesis-producer/dist/index.js';
import type { ClientKind } from './clients.js';
import { ROOT, runScript, type ScriptChild } from './proc.js';
import { type ProfileSummary, summarizeProfile } from './profile-summary.js';
import type { StartupSample } from './startup-process.js';
import type { UserResult, UserSpec } from './user-process.js';
import { KEY_LENGTH } from './workload.js';

export interface BenchConfig {
  quick: boolean;
  sizes: number[];
  /** Throughput clients to run (all by default). */
  clients: ClientKind[];
  warmupSeconds: number;
  throughputSeconds: number;
  eventLoopRates: number[];
  eventLoopSeconds: number;
  latencyRates: number[];
  latencySeconds: number;
  utilisationSeconds: number;
  utilisationWarmupSeconds: number;
  startups: number;
  profileSeconds: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  return quick
    ? {
        quick,
        sizes: [100],
        clients: ['producer', 'agg', 'sdk'],
        warmupSeconds: 1,
        throughputSeconds: 2,
        eventLoopRates: [100_000],
        eventLoopSeconds: 2,
        latencyRates: [10_000],
        latencySeconds: 2,
        utilisationSeconds: 3,
        utilisationWarmupSeconds: 1,
        startups: 3,
        profileSeconds: 5,
      }
    : {
        quick,
        sizes: [100, 1024, 10_240],
        clients: ['producer', 'agg', 'sdk'],
        warmupSeconds: 2,
        throughputSeconds: 10,
        eventLoopRates: [50_000, 100_000],
        eventLoopSeconds: 10,
        latencyRates: [10_000, 50_000],
        latencySeconds: 10,
        utilisationSeconds: 20,
        utilisationWarmupSeconds: 3,
        startups: 9,
        profileSeconds: 10,
      };
}

/** An endpoint process: instant-kinesis.ts or fake-kinesis-server.ts. */
export interface Endpoint {
  url: string;
  pid: number;
  stats(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startEndpoint(script: string, shards: number): Promise<Endpoint> {
  const child: ScriptChild = runScript(script, [String(shards)]);
  const port = await child.line('READY ', 30_000);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stats() {
      child.send('stats');
      return JSON.parse(await child.line('{', 10_000).then((l) => `{${l}`));
    },
    stop: () => child.stop(),
  };
}

export async function runUser(
  spec: UserSpec,
  nodeArgs: string[] = [],
  marks?: { start(): Promise<unknown>; end(): Promise<unknown> },
): Promise<UserResult> {
  const child = runScript('scripts/bench/user-process.ts', [JSON.stringify(spec)], { nodeArgs });
  const marked = marks
    ? (async () => {
        await child.line('MARK start');
        await marks.start();
        await child.line('MARK end');
        await marks.end();
      })()
    : undefined;
  const line = await child.line('RESULT ');
  await marked;
  await child.exited;
  return JSON.parse(line) as UserResult;
}

/**
 * The instant endpoint gives a stream named "s<N>" N shards. Streams are sized as an operator
 * would for the rates measured (the producer's rate limiter holds each shard to 150 % of
 * 1 MiB/s): 300k records/s of 100 B need at least 36 shards; 10 KiB records at 200 MB/s, 200.
 */
export function streamFor(recordSize: number): string {
  return recordSize <= 100 ? 's64' : 's256';
}

/** Share of the measured phase a process waited for a CPU (other load on the machine). */
function waitPercent(ms: number | undefined, seconds: number): number | undefined {
  return ms === undefined ? undefined : (100 * ms) / (seconds * 1000);
}

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

export interface ThroughputRow {
  client: ClientKind;
  recordSize: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  failed: number;
  userMicrosPerRecord: number;
  helperMicrosPerRecord?: number;
  endpointMicrosPerRecord?: number;
  userPeakRssMiB: number;
  helperPeakRssMiB?: number;
  eventLoopP99: number;
  userRunWaitPercent: number;
  helperRunWaitPercent?: number;
}

export async function throughput(cfg: BenchConfig, instant: Endpoint): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const recordSize of cfg.sizes) {
    for (const client of cfg.clients) {
      log(`throughput: ${client}, ${recordSize} B records, ${cfg.throughputSeconds} s`);
      const r = await runUser({
        client,
        endpoint: instant.url,
        endpointPid: instant.pid,
        stream: streamFor(recordSize),
        recordSize,
        mode: 'max',
        seconds: cfg.throughputSeconds,
        warmupSeconds: cfg.warmupSeconds,
      });
      const n = Math.max(1, r.ok + r.failed);
      rows.push({
        client,
        recordSize,
        recordsPerSecond: r.ok / r.elapsedSeconds,
        megabytesPerSecond: (r.ok * recordSize) / r.elapsedSeconds / 1e6,
        failed: r.failed,
        userMicrosPerRecord: r.userCpuMicros / n,
        helperMicrosPerRecord: r.helperCpuMicros === undefined ? undefined : r.helperCpuMicros / n,
        endpointMicrosPerRecord:
          r.endpointCpuMicros === undefined ? undefined : r.endpointCpuMicros / n,
        userPeakRssMiB: r.userPeakRssKiB / 1024,
        helperPeakRssMiB: r.helperPeakRssKiB === undefined ? undefined : r.helperPeakRssKiB / 1024,
        eventLoopP99: r.eventLoop?.p99 ?? 0,
        userRunWaitPercent: waitPercent(r.userRunWaitMs, r.elapsedSeconds)!,
        helperRunWaitPercent: waitPercent(r.helperRunWaitMs, r.elapsedSeconds),
      });
    }
  }
  return rows;
}

export interface WrapperAloneRow {
  recordSize: number;
  recordsPerSecond: number;
  userMicrosPerRecord: number;
  userPeakRssMiB: number;
  eventLoopP99: number;
}

/**
 * The user's side alone: the producer against a stand-in daemon that answers every record at
 * once (scripts/bench/echo-daemon.ts), so the user's process is the only real work.
 */
export async function wrapperAlone(cfg: BenchConfig): Promise<WrapperAloneRow[]> {
  const rows: WrapperAloneRow[] = [];
  for (const recordSize of cfg.sizes) {
    log(`wrapper alone: ${recordSize} B records, ${cfg.throughputSeconds} s`);
    const r = await runUser({
      client: 'producer',
      endpoint: 'http://127.0.0.1:9', // never called: the stand-in daemon answers itself
      stream: streamFor(recordSize),
      recordSize,
      mode: 'max',
      seconds: cfg.throughputSeconds,
      warmupSeconds: cfg.warmupSeconds,
      producerOptions: {
        nativeExecutable: join(ROOT, 'scripts/bench/echo-daemon.cjs'),
        enableDaemonHealthCheck: false,
      },
    });
    rows.push({
      recordSize,
      recordsPerSecond: r.ok / r.elapsedSeconds,
      userMicrosPerRecord: r.userCpuMicros / Math.max(1, r.ok + r.failed),
      userPeakRssMiB: r.userPeakRssKiB / 1024,
      eventLoopP99: r.eventLoop?.p99 ?? 0,
    });
  }
  return rows;
}

export interface EventLoopRow {
  client: ClientKind;
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU of the user's process, as a share of one core. */
  userCpuPercent: number;
  helperCpuPercent?: number;
  failed: number;
  userRunWaitPercent: number;
}

export async function eventLoop(cfg: BenchConfig, instant: Endpoint): Promise<EventLoopRow[]> {
  const rows: EventLoopRow[] = [];
  for (const rate of cfg.eventLoopRates) {
    for (const client of ['producer', 'agg'] as const) {
      log(`event loop: ${client} at ${rate} records/s, ${cfg.eventLoopSeconds} s`);
      const r = await runUser({
        client,
        endpoint: instant.url,
        stream: streamFor(100),
        recordSize: 100,
        mode: 'paced',
        rate,
        seconds: cfg.eventLoopSeconds,
        warmupSeconds: cfg.warmupSeconds,
      });
      rows.push({
        client,
        rate,
        achieved: r.okWhileOffering / r.offerSeconds,
        p50: r.eventLoop!.p50,
        p99: r.eventLoop!.p99,
        max: r.eventLoop!.max,
        userCpuPercent: (100 * r.userCpuMicros) / (r.elapsedSeconds * 1e6),
        helperCpuPercent:
          r.helperCpuMicros === undefined
            ? undefined
            : (100 * r.helperCpuMicros) / (r.elapsedSeconds * 1e6),
        failed: r.failed,
        userRunWaitPercent: waitPercent(r.userRunWaitMs, r.elapsedSeconds)!,
      });
    }
  }
  return rows;
}

export interface LatencyRow {
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

export async function latency(cfg: BenchConfig, instant: Endpoint): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const rate of cfg.latencyRates) {
    log(`latency: producer at ${rate} records/s, ${cfg.latencySeconds} s`);
    const r = await runUser({
      client: 'producer',
      endpoint: instant.url,
      stream: streamFor(100),
      recordSize: 100,
      mode: 'paced',
      rate,
      seconds: cfg.latencySeconds,
      warmupSeconds: cfg.warmupSeconds,
      latency: true,
    });
    rows.push({
      rate,
      achieved: r.okWhileOffering / r.offerSeconds,
      p50: r.latency!.p50,
      p99: r.latency!.p99,
      max: r.latency!.max,
      failed: r.failed,
    });
  }
  return rows;
}

export interface UtilisationRow {
  client: ClientKind;
  /** Which settings, when one client runs with several. */
  variant?: 'default' | 'kpl';
  shards: number;
  offered: number;
  /** Successful user records per second and shard while records were offered. */
  perShard: number;
  /** Share of the Kinesis records sent (retries included) that the fake refused as throttled. */
  throttledPercent: number;
  kinesisRecordsPerShard: number;
  /** Bytes the fake accepted per second and shard, as a share of its 1 MiB/s limit. */
  byteUtilisationPercent: number;
  failed: number;
}

const UTILISATION_SHARDS = 4;

export async function utilisation(cfg: BenchConfig): Promise<UtilisationRow[]> {
  const rows: UtilisationRow[] = [];
  // Capacity per shard: 1000 records/s for plain records; with aggregation, 1 MiB/s divided by
  // what a 100 B record costs inside an aggregate (data, its key in the key table, framing).
  const aggregatedCost = 100 + KEY_LENGTH + 8;
  const capacity: Record<string, number> = {
    producer: (UTILISATION_SHARDS * 1_048_576) / aggregatedCost,
    sdk: UTILISATION_SHARDS * 1000,
  };
  // The producer runs twice: as shipped (backoff, adaptive rate limit) and with the KPL's timing.
  const runs: [ClientKind, 'default' | 'kpl', KinesisProducerOptions | undefined][] = [
    ['producer', 'default', undefined],
    ['producer', 'kpl', { retryBackoff: false, adaptiveRateLimit: false }],
    ['sdk', 'default', undefined],
  ];
  for (const [client, variant, producerOptions] of runs) {
    const fake = await startEndpoint('scripts/bench/fake-kinesis-server.ts', UTILISATION_SHARDS);
    try {
      const offered = Math.round(2 * capacity[client]!);
      log(
        `shard utilisation: ${client} (${variant}) offering ${offered} records/s for ${cfg.utilisationSeconds} s`,
      );
      type FakeStats = {
        entries: number;
        throttledEntries: number;
        acceptedEntries: number;
        bytesAccepted: number;
      };
      let before: FakeStats | undefined;
      let after: FakeStats | undefined;
      const r = await runUser(
        {
          client,
          endpoint: fake.url,
          stream: 's',
          recordSize: 100,
          mode: 'paced',
          rate: offered,
          seconds: cfg.utilisationSeconds,
          warmupSeconds: cfg.utilisationWarmupSeconds,
          retryThrottled: true,
          producerOptions,
        },
        [],
        {
          start: async () => (before = (await fake.stats()) as FakeStats),
          end: async () => (after = (await fake.stats()) as FakeStats),
        },
      );
      const entries = after!.entries - before!.entries;
      const throttled = after!.throttledEntries - before!.throttledEntries;
      const accepted = after!.acceptedEntries - before!.acceptedEntries;
      const bytes = after!.bytesAccepted - before!.bytesAccepted;
      rows.push({
        client,
        variant,
        shards: UTILISATION_SHARDS,
        offered,
        perShard: r.okWhileOffering / r.offerSeconds / UTILISATION_SHARDS,
        throttledPercent: entries > 0 ? (100 * throttled) / entries : 0,
        kinesisRecordsPerShard: accepted / r.offerSeconds / UTILISATION_SHARDS,
        byteUtilisationPercent: (100 * bytes) / r.offerSeconds / UTILISATION_SHARDS / 1_048_576,
        failed: r.failed,
      });
    } finally {
      await fake.stop();
    }
  }
  return rows;
}

export interface StartupResult {
  samples: StartupSample[];
  median: StartupSample;
}

export async function startup(cfg: BenchConfig): Promise<StartupResult> {
  log(`start-up: ${cfg.startups} starts`);
  const child = runScript('scripts/bench/startup-process.ts', [String(cfg.startups)]);
  const samples = JSON.parse(await child.line('RESULT ')) as StartupSample[];
  await child.exited;
  const med = (k: keyof StartupSample) => median(samples.map((s) => s[k]));
  return {
    samples,
    median: {
      firstResult: med('firstResult'),
      listShards: med('listShards'),
      firstPutRecords: med('firstPutRecords'),
    },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface ProfileResult {
  recordSize: number;
  throughput: number;
  user: ProfileSummary;
  daemon: ProfileSummary;
}

/** The 100 B throughput run with both processes under the V8 sampling profiler. */
export async function profile(cfg: BenchConfig, instant: Endpoint): Promise<ProfileResult> {
  const dir = join(ROOT, 'bench', 'tmp', 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`profile: producer, 100 B records, ${cfg.profileSeconds} s, --cpu-prof in both processes`);
  const userDir = join(dir, 'user');
  const r = await runUser(
    {
      client: 'producer',
      endpoint: instant.url,
      stream: streamFor(100),
      recordSize: 100,
      mode: 'max',
      seconds: cfg.profileSeconds,
      warmupSeconds: cfg.warmupSeconds,
      producerOptions: { nativeExecutable: join(ROOT, 'scripts/bench/daemon-profiler.cjs') },
    },
    // One profile per thread (tsx's loader runs in one of its own): the busiest is the main one.
    ['--cpu-prof', `--cpu-prof-dir=${userDir}`],
  );
  // The daemon writes its profile as it exits, a moment after the user's process has.
  const daemon = await readWhenComplete(join(dir, 'daemon.cpuprofile'), 15_000);
  const user = readdirSync(userDir)
    .map((f) => summarizeProfile(join(userDir, f)))
    .sort((a, b) => b.busyMs - a.busyMs)[0]!;
  return {
    recordSize: 100,
    throughput: r.ok / r.elapsedSeconds,
    user,
    daemon,
  };
}

async function readWhenComplete(file: string, timeoutMs: number): Promise<ProfileSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (readdirSync(dirname(file)).includes(basename(file))) return summarizeProfile(file);
    } catch (err) {
      // Still being written: not yet valid JSON.
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
