// A 100 B producer run under --cpu-prof in both processes, summarised per function: the steady
// shape with pooled keys unless --shapes / --keys name another matrix cell.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BenchConfig } from '../config.js';
import { type Endpoint, log, runUser } from '../harness.js';
import { ROOT } from '../proc.js';
import { type ProfileSummary, summarizeProfile } from '../profile-summary.js';
import type { UserResult } from '../user-process.js';
import type { KeyMode } from '../workload.js';
import { type Shape, specOf } from './matrix.js';

export interface ProfileResult {
  recordSize: number;
  shape: Shape;
  keys: KeyMode;
  throughput: number;
  /** Records with a result over the whole profiled process (warm-up included), for µs per record. */
  records: number;
  user: ProfileSummary;
  daemon: ProfileSummary;
}

/** The 100 B throughput run with both processes under the V8 sampling profiler. */
export async function profile(cfg: BenchConfig, instant: Endpoint): Promise<ProfileResult> {
  const dir = join(ROOT, 'bench', 'tmp', 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shape = cfg.profileShape;
  const keys = cfg.profileKeys;
  log(
    `profile: producer, ${shape}, ${keys} keys, 100 B records, ${cfg.profileSeconds} s, --cpu-prof in both processes`,
  );
  const userDir = join(dir, 'user');
  const r = await runProfiledCell(
    cfg,
    instant,
    'scripts/bench/daemon-profiler.cjs',
    // One profile per thread (tsx's loader runs in one of its own): the busiest is the main one.
    ['--cpu-prof', `--cpu-prof-dir=${userDir}`],
  );
  // The daemon writes its profile as it exits, a moment after the user's process has.
  const daemon = await readWhenComplete(join(dir, 'daemon.cpuprofile'), 15_000, summarizeProfile);
  const user = readdirSync(userDir)
    .map((f) => summarizeProfile(join(userDir, f)))
    .sort((a, b) => b.busyMs - a.busyMs)[0]!;
  return {
    recordSize: 100,
    shape,
    keys,
    throughput: r.ok / r.elapsedSeconds,
    records: r.ok + r.failed + r.warmupRecords,
    user,
    daemon,
  };
}

/**
 * The profiled cell (cfg.profileShape, cfg.profileKeys, 100 B) run once, with `userFlags` for the
 * user's process and the daemon started through `standIn` (a nativeExecutable that adds its own).
 */
export function runProfiledCell(
  cfg: BenchConfig,
  instant: Endpoint,
  standIn: string,
  userFlags: string[],
): Promise<UserResult> {
  const cell = specOf(cfg.profileShape, 'producer', cfg.profileKeys, 100, cfg, instant);
  return runUser(
    {
      ...cell,
      seconds: cfg.profileSeconds,
      warmupSeconds: cfg.warmupSeconds,
      producerOptions: { ...cell.producerOptions, nativeExecutable: join(ROOT, standIn) },
    },
    userFlags,
  );
}

/** `read(file)` once a process that is exiting has written it completely. */
export async function readWhenComplete<T>(
  file: string,
  timeoutMs: number,
  read: (file: string) => T,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (readdirSync(dirname(file)).includes(basename(file))) return read(file);
    } catch (err) {
      // Still being written: not yet valid JSON.
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
