// Latency from addUserRecord to its result, at moderate rates.
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser, streamFor } from '../harness.js';

export interface LatencyRow {
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

export async function latency(cfg: BenchConfig, instant: Endpoint): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const rate of cfg.latencyRates) {
    log(`latency: producer at ${rate} records/s, ${cfg.latencySeconds} s`);
    const r = await runUser({
      client: 'producer',
      endpoint: instant.url,
      stream: streamFor(100),
      recordSize: 100,
      mode: 'paced',
      rate,
      seconds: cfg.latencySeconds,
      warmupSeconds: cfg.warmupSeconds,
      latency: true,
    });
    rows.push({
      rate,
      achieved: r.okWhileOffering / r.offerSeconds,
      p50: r.latency!.p50,
      p99: r.latency!.p99,
      max: r.latency!.max,
      failed: r.failed,
    });
  }
  return rows;
}
