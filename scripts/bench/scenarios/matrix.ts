// The matrix of issue #14: the code shapes users write × two kinds of partition key × two record
// sizes, each cell run by the producer and by both in-process baselines in the same run, against
// the instant endpoint. Plus the memory cell: bursts of 200,000 records outstanding at once.
import type { ClientKind } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser, streamFor, waitPercent } from '../harness.js';
import type { UserSpec } from '../user-process.js';
import type { KeyMode } from '../workload.js';

/**
 * steady: chunks of 500 with a turn of the event loop between them (the throughput scenario);
 * burst: 50,000 addUserRecord calls in one synchronous loop, then `await Promise.all`;
 * burst-flush: the same with `flush()` between the loop and the await. Not one of the issue's
 * shapes, so no target counts it: it shows what one line buys an application that awaits its
 * bursts (the daemon otherwise holds each burst's last partial aggregates for up to
 * recordMaxBufferedTime, while the in-process clients send what they hold at the end of the loop);
 * pipeline: `pipeline(Readable.from(generator), producer.writable(stream))`;
 * ff-steady / ff-burst: the same two loops through the fire-and-forget API (putMany() for the
 * chunks of steady, put() in the burst loop, then `flushSync()`);
 * memory: bursts of 200,000 (100 B, fresh keys), maxOutstandingRecords raised to hold them.
 */
export type Shape =
  | 'steady'
  | 'burst'
  | 'burst-flush'
  | 'pipeline'
  | 'ff-steady'
  | 'ff-burst'
  | 'memory';

export const MATRIX_SHAPES: Shape[] = [
  'steady',
  'burst',
  'burst-flush',
  'pipeline',
  'ff-steady',
  'ff-burst',
];
export const MATRIX_KEYS: KeyMode[] = ['random', 'pool'];
export const BURST = 50_000;
export const MEMORY_BURST = 200_000;
const CLIENTS: ClientKind[] = ['producer', 'agg', 'sdk'];
/** Shapes whose code awaits a promise per record: the agg client runs them that way too. */
export const PROMISE_SHAPES = new Set<Shape>(['steady', 'burst', 'burst-flush']);

/**
 * Shapes whose baseline runs are those of another shape: the baselines take no promise per record
 * in any shape, and already send what they hold at the end of every burst.
 */
const BASELINES_RUN_AS: Partial<Record<Shape, Shape>> = {
  'ff-steady': 'steady',
  'ff-burst': 'burst',
  'burst-flush': 'burst',
};

function clientsFor(shape: Shape): ClientKind[] {
  return PROMISE_SHAPES.has(shape) ? [...CLIENTS, 'agg-promise'] : CLIENTS;
}

export interface MatrixRow {
  shape: Shape;
  keys: KeyMode;
  recordSize: number;
  client: ClientKind;
  /**
   * The baselines take no promise per record in any shape, so their fire-and-forget cells are
   * their runs of this shape in the same matrix, not a second identical run.
   */
  sameRunAs?: Shape;
  recordsPerSecond: number;
  failed: number;
  /** CPU per record of the user's process; for the baselines, everything they do. */
  userMicrosPerRecord: number;
  daemonMicrosPerRecord?: number;
  userPeakRssMiB: number;
  daemonPeakRssMiB?: number;
  eventLoopP99: number;
  eventLoopMax: number;
  userRunWaitPercent: number;
  daemonRunWaitPercent?: number;
}

export function specOf(
  shape: Shape,
  client: ClientKind,
  keys: KeyMode,
  recordSize: number,
  cfg: BenchConfig,
  instant: Endpoint,
): UserSpec {
  const base: UserSpec = {
    client,
    endpoint: instant.url,
    endpointPid: instant.pid,
    stream: streamFor(recordSize),
    recordSize,
    keys,
    mode: 'max',
    seconds: cfg.matrixSeconds,
    warmupSeconds: cfg.matrixWarmupSeconds,
  };
  switch (shape) {
    case 'steady':
      return base;
    case 'burst':
      return { ...base, mode: 'burst', burstSize: BURST };
    case 'burst-flush':
      return { ...base, mode: 'burst', burstSize: BURST, flushAfterBurst: true };
    case 'pipeline':
      return { ...base, mode: 'pipeline' };
    case 'ff-steady':
      return { ...base, fireAndForget: true, batch: true };
    case 'ff-burst':
      return { ...base, mode: 'burst', burstSize: BURST, fireAndForget: true };
    case 'memory':
      return {
        ...base,
        mode: 'burst',
        burstSize: MEMORY_BURST,
        producerOptions: { maxOutstandingRecords: MEMORY_BURST },
      };
  }
}

async function cell(
  shape: Shape,
  client: ClientKind,
  keys: KeyMode,
  recordSize: number,
  cfg: BenchConfig,
  instant: Endpoint,
): Promise<MatrixRow> {
  log(`matrix: ${shape}, ${client}, ${keys} keys, ${recordSize} B, ${cfg.matrixSeconds} s`);
  const r = await runUser(specOf(shape, client, keys, recordSize, cfg, instant));
  const n = Math.max(1, r.ok + r.failed);
  return {
    shape,
    keys,
    recordSize,
    client,
    recordsPerSecond: r.ok / r.elapsedSeconds,
    failed: r.failed,
    userMicrosPerRecord: r.userCpuMicros / n,
    daemonMicrosPerRecord: r.helperCpuMicros === undefined ? undefined : r.helperCpuMicros / n,
    userPeakRssMiB: r.userPeakRssKiB / 1024,
    daemonPeakRssMiB: r.helperPeakRssKiB === undefined ? undefined : r.helperPeakRssKiB / 1024,
    eventLoopP99: r.eventLoop?.p99 ?? 0,
    eventLoopMax: r.eventLoop?.max ?? 0,
    userRunWaitPercent: waitPercent(r.userRunWaitMs, r.elapsedSeconds)!,
    daemonRunWaitPercent: waitPercent(r.helperRunWaitMs, r.elapsedSeconds),
  };
}

export async function matrix(cfg: BenchConfig, instant: Endpoint): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  for (const recordSize of cfg.matrixSizes) {
    for (const keys of cfg.matrixKeys) {
      // In the canonical order: the baselines' fire-and-forget cells reuse their earlier runs.
      for (const shape of MATRIX_SHAPES.filter((x) => cfg.matrixShapes.includes(x))) {
        const same = BASELINES_RUN_AS[shape];
        for (const client of clientsFor(shape)) {
          if (same !== undefined && client !== 'producer') {
            const of = rows.find(
              (x) =>
                x.shape === same &&
                x.client === client &&
                x.keys === keys &&
                x.recordSize === recordSize,
            );
            if (of) {
              rows.push({ ...of, shape, sameRunAs: same });
              continue;
            }
            // Not run in this matrix: the same loop runs now (a baseline ignores fireAndForget and
            // flushAfterBurst).
          }
          rows.push(await cell(shape, client, keys, recordSize, cfg, instant));
        }
      }
    }
  }
  if (cfg.matrixMemory) {
    for (const client of CLIENTS)
      rows.push(await cell('memory', client, 'random', 100, cfg, instant));
  }
  return rows;
}
