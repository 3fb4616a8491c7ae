// The daemon by itself: a driver that spends almost nothing per record (frames encoded before
// the clock starts, results only counted) feeds it as fast as it takes them. What it measures is
// the daemon's own ceiling and its CPU per record, without the user's process competing for the
// cores; the end-to-end throughput can be no better.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { DAEMON_NODE_FLAGS } from '../../../packages/kinesis-producer/dist/daemon-channel.js';
import { resolveOptions } from '../../../packages/options/dist/index.js';
import {
  decodeMessage,
  FrameDecoder,
  MessageSchema,
  putRecordSize,
  writePutRecord,
} from '../../../packages/protocol/src/index.js';
import { CREDENTIALS, REGION } from '../clients.js';
import { cpuMicrosOf, nodeBinary, peakRssKiBOf, ROOT } from '../proc.js';
import { Workload } from '../workload.js';

export interface DaemonAloneResult {
  recordSize: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  daemonMicrosPerRecord: number;
  daemonPeakRssMiB: number;
}

/** Records in flight at most, as the wrapper's default maxOutstandingRecords allows. */
const WINDOW = 100_000;
/**
 * Distinct encoded frames, sent round and round (ids repeat; the daemon only echoes them): 65,536
 * (one per key of the workload's pool) or 64 MiB of them, whichever is fewer.
 */
const CHUNK_RECORDS = 500;
const ringRecords = (recordSize: number) =>
  Math.max(CHUNK_RECORDS, Math.min(1 << 16, Math.floor((64 << 20) / recordSize)));

function frameOf(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + message.length);
  out.writeUInt32BE(message.length, 0);
  out.set(message, 4);
  return out;
}

function encodeRing(stream: string, recordSize: number): Buffer[] {
  const work = new Workload(recordSize);
  const chunks: Buffer[] = [];
  for (let c = 0; c < Math.floor(ringRecords(recordSize) / CHUNK_RECORDS); c++) {
    const parts: Buffer[] = [];
    for (let i = 0; i < CHUNK_RECORDS; i++) {
      const id = c * CHUNK_RECORDS + i + 1;
      const r = { streamName: stream, partitionKey: work.key(), data: work.data() };
      const m = Buffer.allocUnsafe(putRecordSize(id, r));
      writePutRecord(m, 0, id, r);
      parts.push(frameOf(m));
    }
    chunks.push(Buffer.concat(parts));
  }
  return chunks;
}

export async function daemonAlone(
  endpoint: string,
  stream: string,
  recordSize: number,
  seconds: number,
  warmupSeconds: number,
): Promise<DaemonAloneResult> {
  const { configuration } = resolveOptions({
    region: REGION,
    kinesisEndpoint: endpoint,
    metricsLevel: 'none',
  });
  configuration.batchedResults = true;
  const ring = encodeRing(stream, recordSize);
  const child = spawn(
    nodeBinary(),
    [
      ...(process.env.BENCH_DAEMON_FLAGS?.split(' ') ?? DAEMON_NODE_FLAGS),
      process.env.BENCH_DAEMON ?? join(ROOT, 'packages/kinesis-producer/dist/daemon.cjs'),
    ].filter(Boolean),
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const pid = child.pid!;
  const send = (m: Parameters<typeof toBinary<typeof MessageSchema>>[1]) =>
    child.stdin.write(frameOf(toBinary(MessageSchema, m)));
  send(
    create(MessageSchema, {
      id: 0n,
      actualMessage: { case: 'configuration', value: configuration },
    }),
  );
  send(
    create(MessageSchema, {
      id: 0n,
      actualMessage: {
        case: 'setCredentials',
        value: {
          forMetrics: false,
          credentials: { akid: CREDENTIALS.accessKeyId, secretKey: CREDENTIALS.secretAccessKey },
        },
      },
    }),
  );

  let sent = 0;
  let answered = 0;
  let failed = 0;
  const decoder = new FrameDecoder();
  let wake: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) {
      const m = decodeMessage(f);
      if (m.kind === 'putRecordResults') answered += m.results.sourceIds.length;
      else if (m.kind === 'putRecordResult') {
        answered++;
        if (!m.result.successful) failed++;
      }
    }
    if (wake && sent - answered <= WINDOW - CHUNK_RECORDS) {
      const w = wake;
      wake = undefined;
      w();
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  let next = 0;
  const room = () =>
    sent - answered <= WINDOW - CHUNK_RECORDS
      ? Promise.resolve()
      : new Promise<void>((r) => {
          wake = r;
        });
  const drained = () => new Promise<void>((r) => child.stdin.once('drain', () => r()));
  async function feed(untilMs: number): Promise<void> {
    while (performance.now() < untilMs) {
      await room();
      const ok = child.stdin.write(ring[next]!);
      next = (next + 1) % ring.length;
      sent += CHUNK_RECORDS;
      if (!ok) await drained();
    }
  }
  async function settle(): Promise<void> {
    while (answered < sent) await new Promise((r) => setTimeout(r, 5));
  }

  await feed(performance.now() + warmupSeconds * 1000);
  await settle();
  const cpu0 = cpuMicrosOf(pid);
  const sent0 = sent;
  const t0 = performance.now();
  await feed(t0 + seconds * 1000);
  await settle();
  const elapsed = (performance.now() - t0) / 1000;
  const records = sent - sent0;
  const cpu = cpuMicrosOf(pid) - cpu0;
  const rss = peakRssKiBOf(pid) / 1024;
  child.stdin.end();
  await exited;
  if (failed > 0) throw new Error(`daemon alone: ${failed} records failed`);
  return {
    recordSize,
    records,
    seconds: elapsed,
    recordsPerSecond: records / elapsed,
    daemonMicrosPerRecord: cpu / records,
    daemonPeakRssMiB: rss,
  };
}
