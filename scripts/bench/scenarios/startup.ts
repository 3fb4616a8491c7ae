// Start-up: from new KinesisProducer() to the daemon's first calls and the first result.
import type { BenchConfig } from '../config.js';
import { log, median } from '../harness.js';
import { runScript } from '../proc.js';
import type { StartupSample } from '../startup-process.js';

export interface StartupResult {
  samples: StartupSample[];
  median: StartupSample;
}

export async function startup(cfg: BenchConfig): Promise<StartupResult> {
  log(`start-up: ${cfg.startups} starts`);
  const child = runScript('scripts/bench/startup-process.ts', [String(cfg.startups)]);
  const samples = JSON.parse(await child.line('RESULT ')) as StartupSample[];
  await child.exited;
  const med = (k: keyof StartupSample) => median(samples.map((s) => s[k]));
  return {
    samples,
    median: {
      firstResult: med('firstResult'),
      listShards: med('listShards'),
      firstPutRecords: med('firstPutRecords'),
    },
  };
}
