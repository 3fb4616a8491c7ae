// Turns the scenario results into the Markdown table (bench/results/latest.md) and the targets
// of issue #3 with whether this run met them.

import { cpus, loadavg, release, totalmem } from 'node:os';
import type { ClientKind } from './clients.js';
import type { BenchConfig } from './config.js';
import { allocationTable, profileTable } from './profile-summary.js';
import { fixed, int, ratio, SHORT, sizeName, type Target } from './report-format.js';
import { matrixSection, matrixTargets, nodeComparison } from './report-matrix.js';
import type { AllocationsResult } from './scenarios/allocations.js';
import type { DaemonAloneResult } from './scenarios/daemon-alone.js';
import type { EventLoopRow } from './scenarios/event-loop.js';
import type { FloorRow } from './scenarios/floors.js';
import type { LatencyRow } from './scenarios/latency.js';
import { BURST, type MatrixRow } from './scenarios/matrix.js';
import type { ProfileResult } from './scenarios/profile.js';
import type { StartupResult } from './scenarios/startup.js';
import type { ThroughputRow } from './scenarios/throughput.js';
import type { UtilisationRow } from './scenarios/utilisation.js';
import type { WrapperAloneRow } from './scenarios/wrapper-alone.js';
import { KEY_LENGTH, KEY_POOL } from './workload.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  date: string;
  /** 1-minute load average when the run started and ended: other work skews the numbers. */
  loadStart: number;
  loadEnd?: number;
}

export interface BenchResults {
  machine: Machine;
  config: BenchConfig;
  throughput?: ThroughputRow[];
  matrix?: MatrixRow[];
  daemonAlone?: DaemonAloneResult[];
  wrapperAlone?: WrapperAloneRow[];
  eventLoop?: EventLoopRow[];
  latency?: LatencyRow[];
  utilisation?: UtilisationRow[];
  startup?: StartupResult;
  profile?: ProfileResult;
  allocations?: AllocationsResult;
  floors?: FloorRow[];
  failures?: { scenario: string; message: string }[];
  /** The same scenarios with the measured processes on another Node release (--node). */
  otherNode?: BenchResults;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: `Linux ${release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadStart: loadavg()[0]!,
  };
}

export const CLIENT_NAMES: Record<ClientKind, string> = {
  producer: 'kinesis-producer (aggregation on)',
  agg: 'aws-kinesis-agg + SDK PutRecords (in-process)',
  'agg-promise': 'aws-kinesis-agg + SDK PutRecords (in-process), a promise per record',
  sdk: 'SDK PutRecords, no aggregation',
};

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.kernel}, ${m.date}`;
}

function loadLine(m: Machine): string {
  const end = m.loadEnd === undefined ? '' : `, ${m.loadEnd.toFixed(1)} at the end`;
  return `Load average ${m.loadStart.toFixed(1)} at the start${end}; "waiting for CPU" is the share of the measured phase a main thread was runnable but not running: other work on the machine, or (for the producer) its own two processes and the endpoint sharing the cores.`;
}

function throughputTable(rows: ThroughputRow[]): string {
  const lines = [
    '| Records | Client | User records/s | MB/s | vs aws-kinesis-agg | vs plain SDK | CPU µs/record: user | daemon | endpoint | Peak RSS MiB: user | daemon | Failed | Waiting for CPU %: user | daemon |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const same = (c: ClientKind) =>
      rows.find((x) => x.client === c && x.recordSize === r.recordSize)?.recordsPerSecond;
    lines.push(
      `| ${sizeName(r.recordSize)} | ${SHORT[r.client]} | ${int(r.recordsPerSecond)} | ${fixed(r.megabytesPerSecond)} | ${ratio(r.recordsPerSecond, same('agg'))} | ${ratio(r.recordsPerSecond, same('sdk'))} | ${fixed(r.userMicrosPerRecord, 2)} | ${fixed(r.helperMicrosPerRecord, 2)} | ${fixed(r.endpointMicrosPerRecord, 2)} | ${int(r.userPeakRssMiB)} | ${r.helperPeakRssMiB === undefined ? '–' : int(r.helperPeakRssMiB)} | ${r.failed} | ${fixed(r.userRunWaitPercent, 0)} | ${fixed(r.helperRunWaitPercent, 0)} |`,
    );
  }
  return lines.join('\n');
}

function aloneTable(
  daemon: DaemonAloneResult[] | undefined,
  wrapper: WrapperAloneRow[] | undefined,
): string {
  const lines = [
    '| Records | Process alone | Records/s | CPU µs/record | Peak RSS MiB |',
    '|---|---|---:|---:|---:|',
  ];
  for (const d of daemon ?? []) {
    lines.push(
      `| ${sizeName(d.recordSize)} | daemon (fed pre-encoded frames) | ${int(d.recordsPerSecond)} | ${fixed(d.daemonMicrosPerRecord, 2)} | ${int(d.daemonPeakRssMiB)} |`,
    );
  }
  for (const w of wrapper ?? []) {
    lines.push(
      `| ${sizeName(w.recordSize)} | user's process (stand-in daemon answering after 100 ms) | ${int(w.recordsPerSecond)} | ${fixed(w.userMicrosPerRecord, 2)} | ${int(w.userPeakRssMiB)} |`,
    );
  }
  return lines.join('\n');
}

function eventLoopTable(rows: EventLoopRow[]): string {
  const lines = [
    '| Offered records/s | Client | Achieved records/s | Event-loop delay p50 ms | p99 ms | max ms | CPU % of a core: user | daemon | Waiting for CPU %: user |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${int(r.rate)} | ${SHORT[r.client]}${r.fireAndForget ? ', fire-and-forget' : ''} | ${int(r.achieved)} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${fixed(r.max, 1)} | ${fixed(r.userCpuPercent, 0)} | ${fixed(r.helperCpuPercent, 0)} | ${fixed(r.userRunWaitPercent, 0)} |`,
    );
  }
  return lines.join('\n');
}

function latencyTable(rows: LatencyRow[]): string {
  const lines = [
    '| Offered records/s | Achieved records/s | p50 ms | p99 ms | max ms | Failed |',
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${int(r.rate)} | ${int(r.achieved)} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${fixed(r.max)} | ${r.failed} |`,
    );
  }
  return lines.join('\n');
}

function utilisationTable(rows: UtilisationRow[]): string {
  const sdk = rows.find((r) => r.client === 'sdk')?.perShard;
  const lines = [
    '| Client | Offered records/s | Accepted user records/s per shard | vs plain SDK | Shard byte limit used % | Kinesis records/s per shard | Throttled % of Kinesis records sent | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const name = r.variant === 'kpl' ? `${SHORT[r.client]}, KPL settings` : SHORT[r.client];
    lines.push(
      `| ${name} | ${int(r.offered)} | ${int(r.perShard)} | ${ratio(r.perShard, sdk)} | ${fixed(r.byteUtilisationPercent)} | ${int(r.kinesisRecordsPerShard)} | ${fixed(r.throttledPercent)} | ${r.failed} |`,
    );
  }
  return lines.join('\n');
}

function startupTable(s: StartupResult): string {
  const all = (k: keyof StartupResult['median']) =>
    s.samples.map((x) => Math.round(x[k])).join(', ');
  return [
    '| From `new KinesisProducer()` to | Median ms | Every start, ms |',
    '|---|---:|---|',
    `| the daemon's ListShards at the endpoint | ${fixed(s.median.listShards, 0)} | ${all('listShards')} |`,
    `| the first PutRecords at the endpoint | ${fixed(s.median.firstPutRecords, 0)} | ${all('firstPutRecords')} |`,
    `| the first record's result | ${fixed(s.median.firstResult, 0)} | ${all('firstResult')} |`,
  ].join('\n');
}

export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const t100 = (c: ClientKind) => r.throughput?.find((x) => x.client === c && x.recordSize === 100);
  const p = t100('producer');
  const agg = t100('agg');
  if (p) {
    out.push({
      text: '≥ 300,000 user records/s of 100 B end to end, every promise resolved',
      measured: `${int(p.recordsPerSecond)} records/s, ${p.failed} failed`,
      met: p.recordsPerSecond >= 300_000 && p.failed === 0,
    });
  }
  if (p && agg) {
    out.push({
      text: "≥ the in-process baseline's records/s (100 B)",
      measured: `${int(p.recordsPerSecond)} vs ${int(agg.recordsPerSecond)} (${ratio(p.recordsPerSecond, agg.recordsPerSecond)})`,
      met: p.recordsPerSecond >= agg.recordsPerSecond,
    });
  }
  const up = r.utilisation?.find((x) => x.client === 'producer' && x.variant !== 'kpl');
  const us = r.utilisation?.find((x) => x.client === 'sdk');
  if (up && us) {
    out.push({
      text: '≥ 8× the plain SDK’s user records/s per shard against the rate-limited fake (100 B)',
      measured: `${int(up.perShard)} vs ${int(us.perShard)} per shard (${ratio(up.perShard, us.perShard)})`,
      met: up.perShard >= 8 * us.perShard,
    });
  }
  if (up) {
    out.push({
      text: 'saturation (issue 5): ≥ 90 % of the shard byte limit with < 5 % of entries throttled',
      measured: `${fixed(up.byteUtilisationPercent)} % of the byte limit, ${fixed(up.throttledPercent)} % throttled`,
      met: up.byteUtilisationPercent >= 90 && up.throttledPercent < 5,
    });
  }
  const ep = r.eventLoop?.find(
    (x) => x.client === 'producer' && !x.fireAndForget && x.rate === 100_000,
  );
  const ea = r.eventLoop?.find((x) => x.client === 'agg' && x.rate === 100_000);
  if (ep) {
    out.push({
      text: "event-loop p99 ≤ 5 ms at 100k records/s, where the baseline's is higher",
      measured: `${fixed(ep.p99, 2)} ms vs ${ea ? fixed(ea.p99, 2) : '–'} ms`,
      met: ep.p99 <= 5 && (ea === undefined || ea.p99 > ep.p99),
    });
  }
  if (ep) {
    out.push({
      text: 'issue #14: event-loop p99 ≤ 5 ms and max ≤ 20 ms at 100k records/s offered in 10 ms ticks',
      measured: `p99 ${fixed(ep.p99, 2)} ms, max ${fixed(ep.max, 1)} ms`,
      met: ep.p99 <= 5 && ep.max <= 20,
    });
  }
  if (r.matrix) {
    for (const t of matrixTargets(r.matrix)) out.push({ ...t, text: `issue #14: ${t.text}` });
  }
  if (r.startup) {
    out.push({
      text: 'daemon ready in ≤ 250 ms (median, new KinesisProducer() to the first result)',
      measured: `${fixed(r.startup.median.firstResult, 0)} ms`,
      met: r.startup.median.firstResult <= 250,
    });
  }
  return out;
}

export function markdown(r: BenchResults): string {
  const parts = [
    '# Benchmark results',
    '',
    `Machine: ${machineLine(r.machine)}.${r.config.quick ? ' **Quick run** (short phases; indicative only).' : ''}`,
    '',
    loadLine(r.machine),
    '',
    `Workload: ${KEY_LENGTH}-character partition keys drawn at random from ${int(KEY_POOL)}; random payloads, each record's data a Buffer of its own. Every client runs in a fresh process against a local endpoint in another process that answers at once (\`scripts/bench/instant-kinesis.ts\`); \`pnpm bench\` wrote this file.`,
  ];
  for (const f of r.failures ?? []) {
    parts.push('', `**Scenario ${f.scenario} failed:** ${f.message.split('\n')[0]}`);
  }
  const t = targets(r);
  if (t.length > 0) {
    parts.push('', '## Targets', '', '| Target | Measured | Met |', '|---|---|---|');
    for (const x of t) parts.push(`| ${x.text} | ${x.measured} | ${x.met ? 'yes' : 'no'} |`);
  }
  if (r.throughput) {
    parts.push(
      '',
      '## Throughput',
      '',
      `Each client adds records as fast as it takes them for ${r.config.throughputSeconds} s (after ${r.config.warmupSeconds} s of warm-up); records/s counts every result up to the last one.`,
      '',
      throughputTable(r.throughput),
    );
  }
  if (r.matrix) {
    parts.push('', matrixSection(r.matrix, r.config.matrixSeconds, BURST));
  }
  if (r.daemonAlone || r.wrapperAlone) {
    parts.push(
      '',
      '## Each process alone',
      '',
      "The producer's two processes measured apart, each with a partner that costs next to nothing: the daemon fed frames encoded before the clock starts (its results only counted), and the user's process against a stand-in daemon that answers every record 100 ms after it came (`scripts/bench/echo-daemon.ts`), so as many records are in flight as with the real one. End to end, both share the machine's cores with each other and the endpoint.",
      '',
      aloneTable(r.daemonAlone, r.wrapperAlone),
    );
  }
  if (r.eventLoop) {
    parts.push(
      '',
      "## Event-loop delay in the user's process",
      '',
      `100 B records offered at a fixed rate in 10 ms steps for ${r.config.eventLoopSeconds} s; \`monitorEventLoopDelay({ resolution: 1 })\`, so about 1 ms is the floor.`,
      '',
      eventLoopTable(r.eventLoop),
    );
  }
  if (r.latency) {
    parts.push(
      '',
      '## Latency from addUserRecord to its result',
      '',
      `kinesis-producer, 100 B records, default recordMaxBufferedTime (100 ms), ${r.config.latencySeconds} s.`,
      '',
      latencyTable(r.latency),
    );
  }
  if (r.utilisation) {
    parts.push(
      '',
      '## Shard utilisation against the rate-limited fake',
      '',
      `The fake Kinesis of the tests with 4 shards of 1000 records/s and 1 MiB/s each; 100 B records offered at about twice what each client can get through, for ${r.config.utilisationSeconds} s after ${r.config.utilisationWarmupSeconds} s of warm-up. The plain SDK client sends throttled entries again after 100 ms; the producer retries as the KPL does. Rates count only what was accepted while records were offered.`,
      '',
      utilisationTable(r.utilisation),
    );
  }
  if (r.startup) {
    parts.push(
      '',
      '## Start-up',
      '',
      `${r.startup.samples.length} producers started one after another in one process; the record is flushed at once.`,
      '',
      startupTable(r.startup),
    );
  }
  if (r.floors) {
    parts.push(
      '',
      '## Floors: the steps no design skips',
      '',
      "Each step alone in one process, per 100 B record with a fresh 16-character key, on this CPU: what the matrix's CPU per record can be read against. The daemon routes every record to its shard (MD5 of its key), which the in-process agg client does not do (an aggregate goes to the shard of its first key).",
      '',
      '| Step | Where | CPU µs/record |',
      '|---|---|---:|',
      ...r.floors.map((f) => `| ${f.step} | ${f.where} | ${fixed(f.microsPerRecord, 3)} |`),
    );
  }
  if (r.profile) {
    parts.push(
      '',
      '## Profile',
      '',
      `The producer with 100 B records, shape ${r.profile.shape}, ${r.profile.keys === 'random' ? 'a fresh key per record' : 'keys from the pool'}, under \`--cpu-prof\` in both processes (${int(r.profile.throughput)} records/s while profiled). Self time per function, as a share of the time the process was busy, and per record over the ${int(r.profile.records)} records of the whole profiled run (warm-up included).`,
      '',
      profileTable("User's process", r.profile.user, r.profile.records),
      '',
      profileTable('Daemon', r.profile.daemon, r.profile.records),
    );
  }
  if (r.allocations) {
    const a = r.allocations;
    parts.push(
      '',
      '## Allocations',
      '',
      `The producer with 100 B records, shape ${a.shape}, ${a.keys === 'random' ? 'a fresh key per record' : 'keys from the pool'}, with a heap sampler in both processes (\`scripts/bench/heap-sampler.cjs\`: one sample per 16 KiB allocated, objects collected since included). Bytes allocated per record over the ${int(a.records)} records of the whole run (warm-up included), by the function that allocated them (a function inlined into another counts as that one); the user's process includes what the bench's own workload allocates for each record.`,
      '',
      allocationTable("User's process", a.user, a.records),
      '',
      allocationTable('Daemon', a.daemon, a.records),
    );
  }
  const other = r.otherNode;
  if (other) {
    parts.push('', `# The same scenarios on Node ${other.machine.node}`, '');
    if (r.matrix && other.matrix) {
      parts.push(
        '## Node releases side by side (matrix)',
        '',
        nodeComparison(
          { node: r.machine.node, rows: r.matrix },
          { node: other.machine.node, rows: other.matrix },
        ),
        '',
      );
    }
    // Its own report one heading level down, without its title.
    const body = markdown({ ...other, otherNode: undefined })
      .split('\n')
      .slice(1)
      .map((l) => (l.startsWith('#') ? `#${l}` : l));
    parts.push(...body);
  }
  return `${parts.join('\n')}\n`;
}
