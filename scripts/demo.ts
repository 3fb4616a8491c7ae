// `pnpm demo`: the whole path on one machine. Starts kinesalite, sends 100,000 records through
// KinesisProducer (daemon and all), reads every one back, checks each, and prints a summary.
// Exits non-zero if any record is missing, duplicated, changed or misplaced.
import { randomBytes, randomInt } from 'node:crypto';
import {
  BufferFullError,
  KinesisProducer,
  type UserRecordResult,
} from '../packages/kinesis-producer/src/index.js';
// Kinesis on this machine, and the read-back, are what applications use for their own tests.
import {
  type ProducedRecord,
  startTestKinesis,
  type TestKinesis,
} from '../packages/kinesis-producer/src/testing/index.js';
import { type CountingProxy, startCountingProxy } from './lib/counting-proxy.js';

const STREAM = 'kinesis-producer-demo';
const SHARDS = 4;
const RECORDS = 100_000;
// Lower than the default (100,000) so the demo shows back-pressure: past this many records
// without a result, addUserRecord would reject with BufferFullError, so the loop waits first.
const MAX_OUTSTANDING = 10_000;
const PROGRESS_MS = 200;

const out = process.stdout;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;

/** A payload of 100 to 300 bytes that names its record, so every one is unique. */
function payload(i: number): Buffer {
  const head = `demo record ${i} `;
  const size = randomInt(100, 301);
  const pad = randomBytes(Math.ceil(((size - head.length) * 3) / 4) + 3).toString('base64url');
  return Buffer.from(head + pad.slice(0, size - head.length));
}

let emulator: TestKinesis | undefined;
let proxy: CountingProxy | undefined;
let producer: KinesisProducer | undefined;
let interrupted = false;

async function cleanup(): Promise<void> {
  // destroy() is a no-op for the daemon after close(); before it, it stops the daemon at once.
  await producer?.destroy().catch(() => {});
  await proxy?.close().catch(() => {});
  await emulator?.stop().catch(() => {});
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    out.write(`\n${signal}: stopping the emulator\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

interface Progress {
  added: number;
  results: number;
  failed: number;
  started: number;
}

/** One line, rewritten in place on a terminal; a line every few seconds otherwise. */
function showProgress(p: Progress): () => void {
  const tty = out.isTTY === true;
  let last = 0;
  const draw = (final: boolean) => {
    if (interrupted) return;
    const now = performance.now();
    if (!tty && !final && now - last < 2000) return;
    last = now;
    const rate = p.results / Math.max((now - p.started) / 1000, 1e-3);
    const line =
      `  added ${fmt(p.added).padStart(7)}   results ${fmt(p.results).padStart(7)}` +
      `   ${fmt(rate).padStart(7)} records/s${p.failed ? `   failed ${fmt(p.failed)}` : ''}`;
    out.write(tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  const timer = setInterval(() => draw(false), PROGRESS_MS);
  return () => {
    clearInterval(timer);
    draw(true);
  };
}

interface SentRecord {
  partitionKey: string;
  data: Buffer;
  result?: { shardId?: string; sequenceNumber?: string };
}

/**
 * Every sent record found exactly once, with its partition key and payload, on the shard and at
 * the sequence number its result reported; nothing found that was not sent. Returns the
 * problems, counted, with the first few of each kind; undefined when there are none.
 */
function check(sent: SentRecord[], found: ProducedRecord[]): string | undefined {
  const problems = new Map<string, string[]>();
  const report = (kind: string, what: string) => {
    const list = problems.get(kind) ?? [];
    list.push(what);
    problems.set(kind, list);
  };
  const bySignature = new Map<string, SentRecord>();
  for (const r of sent) bySignature.set(`${r.partitionKey}\u0000${r.data.toString('base64')}`, r);
  const seen = new Set<SentRecord>();
  for (const f of found) {
    const r = bySignature.get(`${f.partitionKey}\u0000${f.data.toString('base64')}`);
    const at = `${f.shardId}@${f.sequenceNumber}`;
    if (!r) report('found but never sent (or changed)', `key ${f.partitionKey} at ${at}`);
    else if (seen.has(r)) report('found more than once', `key ${r.partitionKey} again at ${at}`);
    else {
      seen.add(r);
      if (
        r.result &&
        (r.result.shardId !== f.shardId || r.result.sequenceNumber !== f.sequenceNumber)
      ) {
        report(
          'not where its result said',
          `key ${r.partitionKey}: reported ${r.result.shardId}@${r.result.sequenceNumber}, found at ${at}`,
        );
      }
    }
  }
  for (const r of sent) if (!seen.has(r)) report('sent but not found', `key ${r.partitionKey}`);
  if (problems.size === 0) return undefined;
  return [...problems]
    .map(([kind, list]) => `${list.length} ${kind}: ${list.slice(0, 5).join('; ')}`)
    .join('\n');
}

async function produce(p: KinesisProducer, sent: SentRecord[]) {
  const progress: Progress = { added: 0, results: 0, failed: 0, started: performance.now() };
  const stop = showProgress(progress);
  const results: Promise<void>[] = [];
  let capacityWaits = 0;
  let firstError: Error | undefined;
  const retried = { records: 0, attempts: 0 };
  try {
    for (let i = 0; i < RECORDS && !interrupted; i++) {
      if (p.getOutstandingRecordsCount() >= MAX_OUTSTANDING) {
        capacityWaits++;
        await p.waitForCapacity();
      }
      const record: SentRecord = {
        partitionKey: randomBytes(9).toString('base64url'),
        data: payload(i),
      };
      sent.push(record);
      progress.added++;
      results.push(
        p.addUserRecord(STREAM, record.partitionKey, record.data).then(
          (r: UserRecordResult) => {
            progress.results++;
            record.result = { shardId: r.shardId, sequenceNumber: r.sequenceNumber };
            if (r.attempts.length > 1) {
              retried.records++;
              retried.attempts += r.attempts.length - 1;
            }
          },
          (err: Error) => {
            progress.results++;
            progress.failed++;
            firstError ??= err;
            // Cannot happen with the check above; if it did, the record is reported missing.
            if (err instanceof BufferFullError) capacityWaits++;
          },
        ),
      );
    }
    await p.flushSync();
    await Promise.all(results);
  } finally {
    stop();
  }
  const elapsedMs = performance.now() - progress.started;
  return { elapsedMs, failed: progress.failed, firstError, capacityWaits, retried };
}

async function main(): Promise<number> {
  const t0 = performance.now();
  out.write(`kinesis-producer demo: ${fmt(RECORDS)} records into a ${SHARDS}-shard stream\n`);
  emulator = await startTestKinesis({ streams: { [STREAM]: SHARDS } });
  proxy = await startCountingProxy(emulator.endpoint);
  out.write(`  kinesalite on ${emulator.endpoint}, producer sending through ${proxy.endpoint}\n`);

  producer = new KinesisProducer({
    ...emulator.producerOptions(),
    kinesisEndpoint: proxy.endpoint,
    maxOutstandingRecords: MAX_OUTSTANDING,
  });
  const sent: SentRecord[] = [];
  const produced = await produce(producer, sent);
  await producer.close();

  const readStart = performance.now();
  const userRecords = await emulator.readRecords(STREAM);
  const readMs = performance.now() - readStart;
  const stored = new Set(userRecords.map((r) => `${r.shardId}@${r.sequenceNumber}`));
  const shards = new Set(userRecords.map((r) => r.shardId));
  const problems = check(sent, userRecords);

  const putRecords = proxy.calls.get('PutRecords') ?? 0;
  const ok = produced.failed === 0 && problems === undefined;
  const lines = [
    '',
    'Summary',
    `  produced      ${fmt(RECORDS)} records in ${seconds(produced.elapsedMs)}: ` +
      `${fmt(RECORDS / (produced.elapsedMs / 1000))} records/s` +
      (produced.failed ? `, ${fmt(produced.failed)} FAILED` : ', every result successful'),
    `  retries       ${fmt(produced.retried.records)} records needed more than one attempt`,
    `  back-pressure waited for capacity ${fmt(produced.capacityWaits)} times ` +
      `(maxOutstandingRecords ${fmt(MAX_OUTSTANDING)})`,
    `  aggregation   ${fmt(stored.size)} Kinesis records: ` +
      `${fmt(userRecords.length / Math.max(stored.size, 1), 1)} user records per Kinesis record`,
    `  PutRecords    ${fmt(putRecords)} calls: ` +
      `${fmt(stored.size / Math.max(putRecords, 1), 1)} Kinesis records and ` +
      `${fmt(RECORDS / Math.max(putRecords, 1))} user records per call`,
    `  other calls   ${
      [...proxy.calls]
        .filter(([op]) => op !== 'PutRecords')
        .map(([op, n]) => `${op} ${n}`)
        .join(', ') || 'none'
    }`,
    `  read back     ${fmt(userRecords.length)} user records from ${shards.size} shards ` +
      `with GetRecords in ${seconds(readMs)}`,
  ];
  if (ok) {
    lines.push(
      '  verification  PASSED: every record found exactly once, with its payload and partition key,',
      '                on the shard and at the sequence number its result reported',
    );
  } else {
    lines.push('  verification  FAILED');
    if (produced.firstError) lines.push(`    first failure: ${produced.firstError.message}`);
    if (problems) for (const line of problems.split('\n')) lines.push(`    ${line}`);
  }
  lines.push(`  total time    ${seconds(performance.now() - t0)}`, '');
  out.write(lines.join('\n'));
  return ok ? 0 : 1;
}

main()
  .then(
    (code) => code,
    (err: unknown) => {
      out.write(
        `\ndemo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      return 1;
    },
  )
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
