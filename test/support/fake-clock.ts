// A clock the test moves by hand, for the daemon's stages that take a Clock: what they do at a
// given time is then decided by the test, not by how busy the machine is.
import type { Clock } from '../../packages/daemon/src/clock.js';

interface PendingTimer {
  at: number;
  order: number;
  fire: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private order = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fire: () => void, ms: number): unknown {
    // As Node does: a delay below 1 ms (or not a number) is 1 ms.
    const delay = ms >= 1 ? Math.floor(ms) : 1;
    const timer = { at: this.t + delay, order: this.order++, fire };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as PendingTimer);
  }

  /** Timers armed and not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, running every timer that comes due on the way at its own time,
   * in time order (timers armed by those timers included).
   */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let next = this.next(); next && next.at <= end; next = this.next()) {
      this.timers.delete(next);
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    this.t = end;
  }

  /** Moves time to the next timer and runs it (and any due at the same time); false if none. */
  runNext(): boolean {
    const next = this.next();
    if (!next) return false;
    this.advance(next.at - this.t);
    return true;
  }

  private next(): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order)) {
        first = timer;
      }
    }
    return first;
  }
}

/** Lets pending promise callbacks run (what an awaited call resolved with reaches its caller). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
