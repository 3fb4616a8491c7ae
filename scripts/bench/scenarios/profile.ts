// The 100 B throughput run under --cpu-prof in both processes, summarised per function.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser, streamFor } from '../harness.js';
import { ROOT } from '../proc.js';
import { type ProfileSummary, summarizeProfile } from '../profile-summary.js';

export interface ProfileResult {
  recordSize: number;
  throughput: number;
  user: ProfileSummary;
  daemon: ProfileSummary;
}

/** The 100 B throughput run with both processes under the V8 sampling profiler. */
export async function profile(cfg: BenchConfig, instant: Endpoint): Promise<ProfileResult> {
  const dir = join(ROOT, 'bench', 'tmp', 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`profile: producer, 100 B records, ${cfg.profileSeconds} s, --cpu-prof in both processes`);
  const userDir = join(dir, 'user');
  const r = await runUser(
    {
      client: 'producer',
      endpoint: instant.url,
      stream: streamFor(100),
      recordSize: 100,
      mode: 'max',
      seconds: cfg.profileSeconds,
      warmupSeconds: cfg.warmupSeconds,
      producerOptions: { nativeExecutable: join(ROOT, 'scripts/bench/daemon-profiler.cjs') },
    },
    // One profile per thread (tsx's loader runs in one of its own): the busiest is the main one.
    ['--cpu-prof', `--cpu-prof-dir=${userDir}`],
  );
  // The daemon writes its profile as it exits, a moment after the user's process has.
  const daemon = await readWhenComplete(join(dir, 'daemon.cpuprofile'), 15_000);
  const user = readdirSync(userDir)
    .map((f) => summarizeProfile(join(userDir, f)))
    .sort((a, b) => b.busyMs - a.busyMs)[0]!;
  return {
    recordSize: 100,
    throughput: r.ok / r.elapsedSeconds,
    user,
    daemon,
  };
}

async function readWhenComplete(file: string, timeoutMs: number): Promise<ProfileSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (readdirSync(dirname(file)).includes(basename(file))) return summarizeProfile(file);
    } catch (err) {
      // Still being written: not yet valid JSON.
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
