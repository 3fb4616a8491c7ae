// When a dead daemon is started again, and when the producer gives up instead. Kept apart from
// the process handling so the rules can be read, and tested, on their own.
import { ExitCode, FatalCode } from '@kinesis-producer/protocol';
import { backoffDelay } from '@kinesis-producer/transport';

/** How one daemon run ended, as the channel saw it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The FatalError frame the daemon sent before exiting, if any. */
  fatal?: { code: string; message: string };
  /** The process could not be started at all (spawn failed: ENOENT, EACCES...). */
  spawnFailed: boolean;
}

/**
 * Whether starting the same daemon again can help. A configuration it refuses (the daemon exits 1
 * with a CONFIG fatal error, e.g. no region) or a binary that cannot run fails the same way every
 * time, so the producer fails with that message instead of looping (the KPL restarts regardless).
 */
export function restartable(exit: ExitInfo): boolean {
  if (exit.spawnFailed) return false;
  if (exit.fatal?.code === FatalCode.config) return false;
  return exit.code !== ExitCode.config;
}

export interface RestartPolicy {
  /** Restarts within `windowMs` before giving up; 0 = never restart. */
  maxRestarts: number;
  /** The sliding window, ms, over which restarts are counted. */
  windowMs: number;
  /** First delay, ms. */
  base: number;
  /** Largest delay, ms. */
  max: number;
}

/** The delay before the n-th restart in a row (n ≥ 1): the producer's one jittered backoff. */
export function restartDelay(p: RestartPolicy, n: number, random = Math.random): number {
  return backoffDelay(p, n, random);
}

/**
 * Counts restarts over a sliding window of time. Counting only restarts in a row, with a run
 * that stayed up a while starting the count over, lets a daemon that crashes every few minutes
 * be restarted forever: the producer looks alive while it loses its daemon's buffered state
 * again and again. Counted over a window, a daemon that dies at once (a poison input, a crash at
 * start), hangs every time, or keeps dying every few minutes exhausts the budget, while one
 * killed now and then (an OOM killer, a rare bug) is always restarted.
 */
export class RestartCounter {
  /** When each restart still inside the window was decided, oldest first. */
  private readonly times: number[] = [];

  constructor(
    private readonly policy: RestartPolicy,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Restarts within the window, as of the last decision. */
  get count(): number {
    return this.times.length;
  }

  /** Records the end of a run; the delay before the next start, or undefined to give up. */
  next(random = Math.random): number | undefined {
    const t = this.now();
    while (this.times.length > 0 && t - this.times[0]! >= this.policy.windowMs) this.times.shift();
    if (this.times.length >= this.policy.maxRestarts) return undefined;
    this.times.push(t);
    // The backoff grows with the restarts in the window: a daemon dying at once waits longer
    // each time, one that ran for most of the window restarts quickly.
    return restartDelay(this.policy, this.times.length, random);
  }
}
