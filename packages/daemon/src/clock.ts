// Monotonic milliseconds for deadlines and durations. Wall-clock time never enters this
// arithmetic, so a clock step cannot expire records or stretch their lifetime.
import { performance } from 'node:perf_hooks';

// Whole milliseconds: every record keeps a few of these (arrival, deadline, expiration), and V8
// stores an integer in the object itself but a fraction as an extra heap object, one more for
// the young-generation GC to copy per record in flight. Timers have millisecond resolution anyway.
export const now = (): number => Math.floor(performance.now());

/**
 * The time and the timers a stage runs on. Stages take one so that their tests can advance time
 * themselves instead of waiting for it (and depending on how fast the machine is).
 */
export interface Clock {
  now(): number;
  /** `unref`: the timer does not keep the process alive. */
  setTimeout(fire: () => void, ms: number, unref?: boolean): unknown;
  clearTimeout(handle: unknown): void;
}

export const monotonicClock: Clock = {
  now,
  setTimeout: (fire, ms, unref) => {
    const t = setTimeout(fire, ms);
    if (unref) t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
