// When a dead daemon is started again, and when the producer gives up instead. Kept apart from
// the process handling so the rules can be read, and tested, on their own.

/** How one daemon run ended, as the channel saw it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The FatalError frame the daemon sent before exiting, if any. */
  fatal?: { code: string; message: string };
  /** The process could not be started at all (spawn failed: ENOENT, EACCES...). */
  spawnFailed: boolean;
}

/** A run that lasted this long was a working daemon: the count of restarts in a row starts over. */
export const STABLE_RUN_MS = 5000;

/**
 * Whether starting the same daemon again can help. A configuration it refuses (the daemon exits 1
 * with a CONFIG fatal error, e.g. no region) or a binary that cannot run fails the same way every
 * time, so the producer fails with that message instead of looping (the KPL restarts regardless).
 */
export function restartable(exit: ExitInfo): boolean {
  if (exit.spawnFailed) return false;
  if (exit.fatal?.code === 'CONFIG') return false;
  return exit.code !== 1;
}

export interface RestartPolicy {
  /** Restarts in a row before giving up; 0 = never restart. */
  maxRestarts: number;
  /** First delay, ms. */
  base: number;
  /** Largest delay, ms. */
  max: number;
}

/**
 * The delay before the n-th restart in a row (n ≥ 1): a random time between half and all of
 * min(max, base·2^(n-1)), so that many producers on one host do not restart in lockstep.
 */
export function restartDelay(p: RestartPolicy, n: number, random = Math.random): number {
  const ceiling = Math.min(p.max, p.base * 2 ** Math.min(Math.max(n, 1) - 1, 30));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * Counts restarts in a row. A run counts as good when it stayed up STABLE_RUN_MS and was not
 * killed for hanging: after it, the count starts over. So a daemon that dies at once (a poison
 * input, a crash at start) or hangs every time trips the limit, while one killed now and then
 * after working for a while is restarted every time.
 */
export class RestartCounter {
  private inARow = 0;

  constructor(private readonly policy: RestartPolicy) {}

  get count(): number {
    return this.inARow;
  }

  /** Records the end of a run; the delay before the next start, or undefined to give up. */
  next(uptimeMs: number, hung: boolean, random = Math.random): number | undefined {
    this.inARow = uptimeMs >= STABLE_RUN_MS && !hung ? 1 : this.inARow + 1;
    if (this.inARow > this.policy.maxRestarts) return undefined;
    return restartDelay(this.policy, this.inARow, random);
  }
}
