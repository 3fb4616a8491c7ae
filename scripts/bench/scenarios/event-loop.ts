// Event-loop delay in the user's process at fixed offered rates: the producer (with promises,
// and through put()) against the in-process baseline.
import type { ClientKind } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser, streamFor, waitPercent } from '../harness.js';

export interface EventLoopRow {
  client: ClientKind;
  /** The producer through its fire-and-forget API. */
  fireAndForget?: boolean;
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
  const runs: { client: ClientKind; fireAndForget?: boolean }[] = [
    { client: 'producer' },
    { client: 'agg' },
    { client: 'producer', fireAndForget: true },
  ];
  for (const rate of cfg.eventLoopRates) {
    for (const { client, fireAndForget } of runs) {
      const how = fireAndForget ? ' (fire-and-forget)' : '';
      log(`event loop: ${client}${how} at ${rate} records/s, ${cfg.eventLoopSeconds} s`);
      const r = await runUser({
        client,
        fireAndForget,
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
        fireAndForget,
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
