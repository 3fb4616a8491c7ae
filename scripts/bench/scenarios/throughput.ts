// Throughput: each client adds records as fast as it takes them, at 100 B, 1 KiB and 10 KiB.
import type { ClientKind } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser, streamFor, waitPercent } from '../harness.js';

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
