// The profiled cell again, with a heap sampler in both processes instead of the CPU profiler:
// bytes allocated per record, by function. Records in flight live for a few hundred ms, long
// enough to be copied by the young-generation collections that allocation brings on, so bytes
// allocated per record is what a process's garbage collection time follows.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log } from '../harness.js';
import { ROOT } from '../proc.js';
import { type AllocationSummary, summarizeHeapProfile } from '../profile-summary.js';
import type { KeyMode } from '../workload.js';
import type { Shape } from './matrix.js';
import { readWhenComplete, runProfiledCell } from './profile.js';

export interface AllocationsResult {
  shape: Shape;
  keys: KeyMode;
  /** Records with a result over the whole sampled process (warm-up included). */
  records: number;
  user: AllocationSummary;
  daemon: AllocationSummary;
}

export async function allocations(cfg: BenchConfig, instant: Endpoint): Promise<AllocationsResult> {
  const dir = join(ROOT, 'bench', 'tmp', 'profiles', 'heap');
  rmSync(dir, { recursive: true, force: true });
  const shape = cfg.profileShape;
  const keys = cfg.profileKeys;
  log(
    `allocations: producer, ${shape}, ${keys} keys, 100 B records, ${cfg.profileSeconds} s, heap sampler in both processes`,
  );
  const r = await runProfiledCell(cfg, instant, 'scripts/bench/daemon-allocations.cjs', [
    '--require',
    join(ROOT, 'scripts/bench/heap-sampler.cjs'),
  ]);
  // The daemon writes its profile as it exits, a moment after the user's process has.
  const daemonFile = async () => {
    for (let i = 0; i < 150; i++) {
      const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('daemon-')) : undefined;
      if (f) return join(dir, f);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('the daemon wrote no heap profile');
  };
  const daemon = await readWhenComplete(await daemonFile(), 15_000, summarizeHeapProfile);
  // One profile per thread (tsx's loader runs in one of its own): the one that allocated most.
  const user = readdirSync(dir)
    .filter((n) => n.startsWith('user-'))
    .map((n) => summarizeHeapProfile(join(dir, n)))
    .sort((a, b) => b.bytes - a.bytes)[0]!;
  return { shape, keys, records: r.ok + r.failed + r.warmupRecords, user, daemon };
}
