// `pnpm bench [-- --quick] [-- --clients=… --sizes=… --shapes=… --keys=…] [-- --node=<path>] [-- scenario…]`:
// runs the benchmark scenarios, prints the table and writes bench/results/latest.md, latest.json
// and throughput.svg.
// Scenarios: throughput, matrix, daemon (alone), wrapper (alone), event-loop, latency,
// utilisation, startup, floors (all by default); profile and allocations only when named: one matrix
// cell under --cpu-prof in both processes, and the same with a heap sampler (bytes allocated per
// record by function). With --node, the same scenarios run again with the measured
// processes on that Node binary, and the report shows both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { throughputSvg } from './chart.js';
import { benchConfig } from './config.js';
import { type Endpoint, log, startEndpoint, streamFor } from './harness.js';
import { nodeVersionOf, ROOT, useNode } from './proc.js';
import { type BenchResults, machine, markdown } from './report.js';
import { allocations } from './scenarios/allocations.js';
import { daemonAlone } from './scenarios/daemon-alone.js';
import { eventLoop } from './scenarios/event-loop.js';
import { floors } from './scenarios/floors.js';
import { latency } from './scenarios/latency.js';
import { matrix, type Shape } from './scenarios/matrix.js';
import { profile } from './scenarios/profile.js';
import { startup } from './scenarios/startup.js';
import { throughput } from './scenarios/throughput.js';
import { utilisation } from './scenarios/utilisation.js';
import { wrapperAlone } from './scenarios/wrapper-alone.js';
import type { KeyMode } from './workload.js';

const DEFAULT = [
  'throughput',
  'matrix',
  'daemon',
  'wrapper',
  'event-loop',
  'latency',
  'utilisation',
  'startup',
  'floors',
];
const KNOWN = [...DEFAULT, 'profile', 'allocations'];

const args = process.argv.slice(2).filter((a) => a !== '--');
const quick = args.includes('--quick');
const named = args.filter((a) => !a.startsWith('--'));
for (const n of named) {
  if (!KNOWN.includes(n)) {
    process.stderr.write(`Unknown scenario "${n}"; known: ${KNOWN.join(', ')}\n`);
    process.exit(2);
  }
}
const chosen = named.length > 0 ? named : DEFAULT;
const cfg = benchConfig(quick);
// --clients=producer,agg and --sizes=100,1024 narrow the throughput scenario (a partial run).
const listArg = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
const onlyClients = listArg('clients');
const onlySizes = listArg('sizes');
const onlyShapes = listArg('shapes');
const onlyKeys = listArg('keys');
const nodeArg = listArg('node')?.join(',');
const otherNode = nodeArg ? resolve(nodeArg) : undefined;
if (onlyClients) cfg.clients = onlyClients as typeof cfg.clients;
if (onlySizes) {
  cfg.sizes = onlySizes.map(Number);
  cfg.matrixSizes = cfg.sizes;
}
if (onlyShapes) {
  cfg.matrixShapes = onlyShapes.filter((x) => x !== 'memory') as Shape[];
  cfg.matrixMemory = onlyShapes.includes('memory');
  cfg.profileShape = onlyShapes[0] as Shape;
}
if (onlyKeys) {
  cfg.matrixKeys = onlyKeys as KeyMode[];
  cfg.profileKeys = onlyKeys[0] as KeyMode;
}
const started = performance.now();

let instant: Endpoint | undefined;

async function runScenario(s: string, results: BenchResults): Promise<void> {
  switch (s) {
    case 'throughput':
      results.throughput = await throughput(cfg, instant!);
      break;
    case 'matrix':
      results.matrix = await matrix(cfg, instant!);
      break;
    case 'event-loop':
      results.eventLoop = await eventLoop(cfg, instant!);
      break;
    case 'latency':
      results.latency = await latency(cfg, instant!);
      break;
    case 'utilisation':
      results.utilisation = await utilisation(cfg);
      break;
    case 'startup':
      results.startup = await startup(cfg);
      break;
    case 'daemon':
      results.daemonAlone = [];
      for (const size of cfg.sizes) {
        log(`daemon alone: ${size} B records, ${cfg.throughputSeconds} s`);
        results.daemonAlone.push(
          await daemonAlone(
            instant!.url,
            streamFor(size),
            size,
            cfg.throughputSeconds,
            cfg.warmupSeconds,
          ),
        );
      }
      break;
    case 'wrapper':
      results.wrapperAlone = await wrapperAlone(cfg);
      break;
    case 'floors':
      results.floors = await floors();
      break;
    case 'profile':
      results.profile = await profile(cfg, instant!);
      break;
    case 'allocations':
      results.allocations = await allocations(cfg, instant!);
      break;
  }
}

async function runAll(): Promise<BenchResults> {
  const results: BenchResults = { machine: machine(), config: cfg };
  for (const s of chosen) {
    try {
      await runScenario(s, results);
    } catch (err) {
      // One broken scenario must not cost the others' results.
      const message = (err as Error).message ?? String(err);
      process.stderr.write(`bench: ${s} failed: ${message}\n`);
      (results.failures ??= []).push({ scenario: s, message });
    }
  }
  results.machine.loadEnd = loadavg()[0];
  return results;
}

const needsInstant = chosen.some((s) =>
  ['throughput', 'matrix', 'daemon', 'event-loop', 'latency', 'profile', 'allocations'].includes(s),
);
let results: BenchResults;
try {
  if (needsInstant) instant = await startEndpoint('scripts/bench/instant-kinesis.ts', 4);
  results = await runAll();
  if (otherNode) {
    log(`the same scenarios on ${otherNode}`);
    useNode(otherNode);
    const other = await runAll();
    other.machine.node = nodeVersionOf(otherNode);
    results.otherNode = other;
  }
} finally {
  await instant?.stop();
}

// Only a full run replaces the results docs/benchmarks.md and the README quote; quick and partial
// runs go to bench/tmp.
const failed = results.failures ?? results.otherNode?.failures;
const full = !quick && named.length === 0 && !onlyClients && !onlySizes && !onlyShapes && !onlyKeys;
const dir = join(ROOT, 'bench', full ? 'results' : 'tmp');
mkdirSync(dir, { recursive: true });
const name = full ? 'latest' : `${quick ? 'quick-' : ''}${chosen.join('-')}`;
const md = markdown(results);
writeFileSync(join(dir, `${name}.md`), md);
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
if (results.throughput) {
  writeFileSync(
    join(dir, full ? 'throughput.svg' : `${name}-throughput.svg`),
    throughputSvg(results.throughput, results.machine),
  );
}
process.stdout.write(`${md}\n`);
process.stderr.write(
  `bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote ${join(dir, `${name}.md`).slice(ROOT.length)}\n`,
);
process.exit(failed ? 1 : 0);
