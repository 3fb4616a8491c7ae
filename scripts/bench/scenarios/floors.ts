// The floors: what the steps no design can skip cost on this CPU, per 100 B record, so the
// matrix's CPU per record can be read against them. Each step runs alone in this process, on the
// same inputs the matrix uses (16 hex-digit keys, 100 B payloads, aggregates of about 51,200 B,
// PutRecords bodies of 500 such aggregates' worth of records at most 5 MiB).
import { hash } from 'node:crypto';
import { digestWord, keyMd5 } from '../../../packages/daemon/src/key-md5.js';
import { log } from '../harness.js';
import { Workload } from '../workload.js';

export interface FloorRow {
  step: string;
  /** Where the step runs in the producer: the user's process, the daemon, or both processes. */
  where: string;
  microsPerRecord: number;
}

const RECORD = 100;
const KEY = 16;
/** What one user record adds to an aggregate: key index, data and their protobuf framing. */
const AGGREGATE_SHARE = RECORD + 8;
const AGGREGATE_BYTES = 51_200;
const PER_AGGREGATE = Math.floor(AGGREGATE_BYTES / AGGREGATE_SHARE);

/** CPU µs per record of `round`, which handles `perRound` records, after a warm-up. */
async function cpuPerRecord(
  round: () => void | Promise<void>,
  perRound: number,
  rounds: number,
): Promise<number> {
  for (let i = 0; i < Math.max(3, rounds / 4); i++) await round();
  const t0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await round();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / (rounds * perRound);
}

/** 50,000 promises, as `addUserRecord` hands them out, awaited with Promise.all and resolved. */
async function promiseRound(): Promise<void> {
  const n = 50_000;
  const settle: ((v: unknown) => void)[] = new Array(n);
  const all: Promise<unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) all[i] = new Promise((r) => (settle[i] = r));
  const done = Promise.all(all);
  const result = { successful: true };
  for (let i = 0; i < n; i++) settle[i]!(result);
  await done;
}

export async function floors(): Promise<FloorRow[]> {
  log('floors: the unavoidable steps per 100 B record, alone');
  const work = new Workload(RECORD, 'random');
  const keys = Array.from({ length: 65_536 }, () => work.key());
  const aggregate = Buffer.alloc(PER_AGGREGATE * AGGREGATE_SHARE, 7);
  const base64 = aggregate.toString('base64');
  // A PutRecords body as JSON carries the base64 of each aggregate and little else.
  const body = Buffer.from(JSON.stringify({ Records: [{ Data: base64, PartitionKey: 'k' }] }));
  const rows: FloorRow[] = [];
  const add = (step: string, where: string, microsPerRecord: number) =>
    rows.push({ step, where, microsPerRecord });

  add(
    'a promise per record: created, awaited by Promise.all, resolved',
    "user's process",
    await cpuPerRecord(promiseRound, 50_000, 40),
  );
  add(
    `MD5 of a ${KEY}-character partition key (crypto.hash, one call per key)`,
    'daemon (routing to a shard)',
    await cpuPerRecord(
      () => {
        for (const k of keys) hash('md5', k, 'buffer');
      },
      keys.length,
      40,
    ),
  );
  const keyBytes = keys.map((k) => Buffer.from(k));
  let sink = 0;
  add(
    `MD5 of a ${KEY}-character partition key in JavaScript (the daemon's key-md5.ts)`,
    'daemon (routing to a shard)',
    await cpuPerRecord(
      () => {
        for (const k of keyBytes) {
          keyMd5(k, 0, k.length);
          sink ^= digestWord(0);
        }
      },
      keys.length,
      40,
    ),
  );
  if (sink === 0.5) log('unreachable: keeps the digests alive');
  add(
    "MD5 of the aggregate (the record's share of 51,200 B)",
    'daemon',
    await cpuPerRecord(() => void hash('md5', aggregate, 'buffer'), PER_AGGREGATE, 2_000),
  );
  add(
    "base64 of the aggregate (the record's share)",
    'daemon',
    await cpuPerRecord(() => void aggregate.toString('base64'), PER_AGGREGATE, 2_000),
  );
  add(
    "SHA-256 of the signed PutRecords body (the record's share)",
    'daemon',
    await cpuPerRecord(() => void hash('sha256', body, 'buffer'), PER_AGGREGATE, 2_000),
  );
  const frame = Buffer.allocUnsafe(64 * 1024);
  const payload = work.data();
  add(
    `copying the ${RECORD} B payload and the key into a frame`,
    "user's process",
    await cpuPerRecord(
      () => {
        let o = 0;
        for (const k of keys) {
          if (o + RECORD + KEY > frame.length) o = 0;
          o += frame.write(k, o, 'latin1');
          frame.set(payload, o);
          o += RECORD;
        }
      },
      keys.length,
      40,
    ),
  );
  // Every client's user process pays this: it is part of what the matrix's CPU per record counts
  // for each of them, the in-process clients' totals included.
  let made: unknown;
  add(
    `making each record as the workload does (a fresh ${KEY}-character key, a new ${RECORD} B Buffer), dropped at once`,
    "user's process (every client)",
    await cpuPerRecord(
      () => {
        for (let i = 0; i < 65_536; i++) made = { partitionKey: work.key(), data: work.data() };
      },
      65_536,
      40,
    ),
  );
  if (made === undefined) log('unreachable: keeps the last record alive');
  return rows;
}
