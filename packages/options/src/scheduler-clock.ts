// Time as the wrapper's schedulers see it: the monotonic clock and timers that never keep the
// process alive. Injected so that timeouts and backoff can be tested without waiting.

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // What the wrapper waits for keeps the process alive through the daemon's pipes, not timers.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
