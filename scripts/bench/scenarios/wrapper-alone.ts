// The user's process alone, against a stand-in daemon (echo-daemon.ts).
import { join } from 'node:path';
import type { BenchConfig } from '../config.js';
import { log, runUser, streamFor } from '../harness.js';
import { ROOT } from '../proc.js';

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
