// The matrix's part of the report: a table per record size, the memory cell, the targets of
// issue #14 point 2 checked cell by cell, and two Node releases side by side.
import type { ClientKind } from './clients.js';
import { fixed, int, ratio, SHORT, sizeName, type Target } from './report-format.js';
import type { MatrixRow, Shape } from './scenarios/matrix.js';
import { KEY_POOL } from './workload.js';

const SHAPE_NAMES: Record<Shape, string> = {
  steady: 'steady',
  burst: 'burst-then-await',
  'burst-flush': 'burst, flush(), then await',
  pipeline: 'stream pipeline',
  'ff-steady': 'fire-and-forget, steady (batch form)',
  'ff-burst': 'fire-and-forget, burst (single form)',
  memory: 'bursts of 200,000',
};

const FIRE_AND_FORGET = new Set<Shape>(['ff-steady', 'ff-burst']);
/** Shapes beside the issue's, shown in the tables but counted by no target. */
const EXTRA_SHAPES = new Set<Shape>(['burst-flush']);

const keysName = (k: MatrixRow['keys']) =>
  k === 'random' ? 'fresh per record' : `pool of ${int(KEY_POOL)}`;

function peer(rows: MatrixRow[], r: MatrixRow, client: ClientKind): MatrixRow | undefined {
  return rows.find(
    (x) =>
      x.client === client &&
      x.shape === r.shape &&
      x.keys === r.keys &&
      x.recordSize === r.recordSize,
  );
}

function table(rows: MatrixRow[]): string {
  const lines = [
    '| Shape | Keys | Client | Records/s | vs aws-kinesis-agg | vs agg with promises | vs plain SDK | CPU µs/record: user | daemon | user ÷ agg total | daemon ÷ agg total | Peak RSS MiB: user | daemon | Event-loop p99 ms | max ms | Failed | Waiting for CPU %: user | daemon |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const head = `| ${SHAPE_NAMES[r.shape]} | ${keysName(r.keys)} | ${SHORT[r.client]}`;
    const agg = peer(rows, r, 'agg');
    const aggPromise = peer(rows, r, 'agg-promise');
    const sdk = peer(rows, r, 'sdk');
    const same = r.sameRunAs ? ` (its ${SHAPE_NAMES[r.sameRunAs]} run)` : '';
    const producer = r.client === 'producer';
    lines.push(
      `${head}${same} | ${int(r.recordsPerSecond)} | ${ratio(r.recordsPerSecond, agg?.recordsPerSecond)} | ${ratio(r.recordsPerSecond, aggPromise?.recordsPerSecond)} | ${ratio(r.recordsPerSecond, sdk?.recordsPerSecond)} | ${fixed(r.userMicrosPerRecord, 2)} | ${fixed(r.daemonMicrosPerRecord, 2)} | ${producer ? ratio(r.userMicrosPerRecord, agg?.userMicrosPerRecord) : '–'} | ${producer ? ratio(r.daemonMicrosPerRecord ?? Number.NaN, agg?.userMicrosPerRecord) : '–'} | ${int(r.userPeakRssMiB)} | ${r.daemonPeakRssMiB === undefined ? '–' : int(r.daemonPeakRssMiB)} | ${fixed(r.eventLoopP99, 1)} | ${fixed(r.eventLoopMax, 0)} | ${r.failed} | ${fixed(r.userRunWaitPercent, 0)} | ${fixed(r.daemonRunWaitPercent, 0)} |`,
    );
  }
  return lines.join('\n');
}

function memoryTable(rows: MatrixRow[]): string {
  const lines = [
    '| Client | Records/s | Peak RSS MiB: user | daemon | CPU µs/record: user | daemon | Event-loop max ms | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${SHORT[r.client]} | ${int(r.recordsPerSecond)} | ${int(r.userPeakRssMiB)} | ${r.daemonPeakRssMiB === undefined ? '–' : int(r.daemonPeakRssMiB)} | ${fixed(r.userMicrosPerRecord, 2)} | ${fixed(r.daemonMicrosPerRecord, 2)} | ${fixed(r.eventLoopMax, 0)} | ${r.failed} |`,
    );
  }
  return lines.join('\n');
}

export function matrixSection(rows: MatrixRow[], seconds: number, burst: number): string {
  const parts = [
    '## Matrix: the shapes users write',
    '',
    `Each cell runs each client in a fresh process for ${seconds} s after a warm-up, against the instant endpoint (64 shards for 100 B, 256 for 1 KiB). Burst-then-await adds ${int(burst)} records in one synchronous loop, then awaits them all, again and again; "burst, flush(), then await" is the same loop with \`flush()\` before the await, the one line an application that awaits its bursts can add (the in-process clients already send what they hold at the end of each burst, so their rows there are their burst-then-await runs; no target counts this row). CPU per record: the user's process (for the baselines, everything they do) and the daemon; "÷ agg total" divides by the in-process aws-kinesis-agg client's CPU per record in the same cell. Event-loop delay (p99 and max) is measured in the user's process while records are offered; a burst's synchronous loop is one long delay, so it shows in the max more than in the p99.`,
  ];
  const sizes = [...new Set(rows.filter((r) => r.shape !== 'memory').map((r) => r.recordSize))];
  for (const size of sizes) {
    parts.push(
      '',
      `### ${sizeName(size)} records`,
      '',
      table(rows.filter((r) => r.recordSize === size && r.shape !== 'memory')),
    );
  }
  const memory = rows.filter((r) => r.shape === 'memory');
  if (memory.length > 0) {
    parts.push(
      '',
      '### Memory: 200,000 records outstanding',
      '',
      'Bursts of 200,000 records of 100 B with fresh keys, each awaited before the next (the producer with `maxOutstandingRecords: 200000`). Peak RSS is the high-water mark of each process over its whole life (`VmHWM`).',
      '',
      memoryTable(memory),
    );
  }
  return parts.join('\n');
}

/**
 * Issue #14 point 2, at 100 B, for every shape and both kinds of key. The targets divide by the
 * agg client as it runs without a result per record; the same ratios against agg with a promise
 * per record (the same code shape as `addUserRecord`) follow for the shapes that await one.
 */
export function matrixTargets(rows: MatrixRow[]): Target[] {
  const cells = rows.filter(
    (r) =>
      r.client === 'producer' &&
      r.recordSize === 100 &&
      r.shape !== 'memory' &&
      !EXTRA_SHAPES.has(r.shape),
  );
  const check = (
    text: string,
    against: ClientKind,
    which: (r: MatrixRow) => boolean,
    value: (r: MatrixRow, base: MatrixRow) => number | undefined,
    ok: (v: number) => boolean,
    worstIsMax: boolean,
  ): Target | undefined => {
    const measured = cells
      .filter((r) => which(r) && peer(rows, r, against) !== undefined)
      .map((r) => ({ r, v: value(r, peer(rows, r, against)!) }))
      .filter((x): x is { r: MatrixRow; v: number } => x.v !== undefined && !Number.isNaN(x.v));
    if (measured.length === 0) return undefined;
    const met = measured.filter((x) => ok(x.v)).length;
    const worst = measured.reduce((a, b) => ((worstIsMax ? b.v > a.v : b.v < a.v) ? b : a));
    return {
      text,
      measured: `${met} of ${measured.length} cells; worst ${worst.v.toFixed(2)}× (${SHAPE_NAMES[worst.r.shape]}, keys ${keysName(worst.r.keys)})`,
      met: met === measured.length,
    };
  };
  const promises = (r: MatrixRow) => !FIRE_AND_FORGET.has(r.shape);
  const ff = (r: MatrixRow) => FIRE_AND_FORGET.has(r.shape);
  const every = () => true;
  const userRatio = (r: MatrixRow, a: MatrixRow) => r.userMicrosPerRecord / a.userMicrosPerRecord;
  const daemonRatio = (r: MatrixRow, a: MatrixRow) =>
    r.daemonMicrosPerRecord === undefined
      ? undefined
      : r.daemonMicrosPerRecord / a.userMicrosPerRecord;
  const rateRatio = (r: MatrixRow, a: MatrixRow) => r.recordsPerSecond / a.recordsPerSecond;
  const atMost = (limit: number) => (v: number) => v <= limit;
  const atLeast = (limit: number) => (v: number) => v >= limit;
  const same = ' — against agg with a promise per record (same code shape)';
  return [
    check(
      "user's process CPU/record ≤ 0.5× the in-process total (addUserRecord shapes, 100 B)",
      'agg',
      promises,
      userRatio,
      atMost(0.5),
      true,
    ),
    check(
      "user's process CPU/record ≤ 0.2× the in-process total (fire-and-forget, 100 B)",
      'agg',
      ff,
      userRatio,
      atMost(0.2),
      true,
    ),
    check(
      'daemon CPU/record ≤ 1.0× the in-process total (every shape, 100 B)',
      'agg',
      every,
      daemonRatio,
      atMost(1),
      true,
    ),
    check(
      '≥ 1.0× the in-process records/s (addUserRecord shapes, 100 B)',
      'agg',
      promises,
      rateRatio,
      atLeast(1),
      false,
    ),
    check(
      '≥ 1.5× the in-process records/s (fire-and-forget, 100 B)',
      'agg',
      ff,
      rateRatio,
      atLeast(1.5),
      false,
    ),
    check(
      `user's process CPU/record ≤ 0.5×${same}`,
      'agg-promise',
      promises,
      userRatio,
      atMost(0.5),
      true,
    ),
    check(`daemon CPU/record ≤ 1.0×${same}`, 'agg-promise', promises, daemonRatio, atMost(1), true),
    check(`≥ 1.0× the records/s${same}`, 'agg-promise', promises, rateRatio, atLeast(1), false),
  ].filter((t): t is Target => t !== undefined);
}

/** Two Node releases side by side: what changed for the producer and the in-process client. */
export function nodeComparison(
  a: { node: string; rows: MatrixRow[] },
  b: { node: string; rows: MatrixRow[] },
): string {
  const lines = [
    `| Shape | Keys | Records | Client | Records/s: ${a.node} | ${b.node} | ratio | CPU µs/record user: ${a.node} | ${b.node} | daemon: ${a.node} | ${b.node} | Peak RSS MiB user: ${a.node} | ${b.node} | daemon: ${a.node} | ${b.node} |`,
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of a.rows) {
    if (x.sameRunAs) continue;
    const y = b.rows.find(
      (r) =>
        r.client === x.client &&
        r.shape === x.shape &&
        r.keys === x.keys &&
        r.recordSize === x.recordSize,
    );
    if (!y) continue;
    lines.push(
      `| ${SHAPE_NAMES[x.shape]} | ${keysName(x.keys)} | ${sizeName(x.recordSize)} | ${SHORT[x.client]} | ${int(x.recordsPerSecond)} | ${int(y.recordsPerSecond)} | ${ratio(y.recordsPerSecond, x.recordsPerSecond)} | ${fixed(x.userMicrosPerRecord, 2)} | ${fixed(y.userMicrosPerRecord, 2)} | ${fixed(x.daemonMicrosPerRecord, 2)} | ${fixed(y.daemonMicrosPerRecord, 2)} | ${int(x.userPeakRssMiB)} | ${int(y.userPeakRssMiB)} | ${x.daemonPeakRssMiB === undefined ? '–' : int(x.daemonPeakRssMiB)} | ${y.daemonPeakRssMiB === undefined ? '–' : int(y.daemonPeakRssMiB)} |`,
    );
  }
  return lines.join('\n');
}
