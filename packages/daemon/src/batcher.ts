// The one buffering primitive behind the aggregator (a buffer per predicted shard) and the
// collector (a buffer per stream). It knows limits and deadlines, never formats.
import type { BatchContainer, Timed } from './batch.js';
import { type Clock, monotonicClock } from './clock.js';
import { DeadlineTimer } from './deadline-timer.js';

export interface BatcherOptions<T extends Timed, C extends BatchContainer<T>> {
  countLimit: number;
  sizeLimit: number;
  create: () => C;
  /** An extra flush trigger, checked after each add (may keep its own state). */
  trigger?: (item: T) => boolean;
  /** Receives what a deadline releases. Limit-triggered batches are returned by add(). */
  onTimer: (batch: C) => void;
  /** Default: the monotonic clock. */
  clock?: Clock;
}

export class Batcher<T extends Timed, C extends BatchContainer<T>> {
  private current: C;
  private earliest = Number.POSITIVE_INFINITY;
  private readonly timer: DeadlineTimer;
  private readonly clock: Clock;

  constructor(private readonly o: BatcherOptions<T, C>) {
    this.current = o.create();
    this.clock = o.clock ?? monotonicClock;
    this.timer = new DeadlineTimer(this.fire, this.clock);
  }

  get count(): number {
    return this.current.count;
  }

  /** Adds an item; returns a batch at once when a limit or the trigger fires. */
  add(item: T): C | undefined {
    const c = this.current;
    c.add(item);
    if (item.deadline < this.earliest) this.earliest = item.deadline;
    const full =
      c.count >= this.o.countLimit ||
      c.estimatedSize() >= this.o.sizeLimit ||
      this.o.trigger?.(item) === true;
    if (full) {
      const out = this.take();
      if (out) return out;
    }
    this.arm();
    return undefined;
  }

  /** Everything that fits in one batch leaves now; what does not fit waits for its deadline. */
  flush(): C | undefined {
    return this.current.count > 0 ? this.take() : undefined;
  }

  /** Stops the timer; buffered items stay (used when the stage is torn down). */
  close(): void {
    this.timer.cancel();
  }

  private take(): C | undefined {
    let out = this.current;
    if (!isSorted(out.items)) {
      // Records arrive in deadline order almost always; only retries break it, and only then
      // is the batch rebuilt in order so the trim below keeps the latest deadlines.
      const sorted = [...out.items].sort((a, b) => a.deadline - b.deadline);
      out = this.o.create();
      for (const it of sorted) out.add(it);
    }
    const rest = this.o.create();
    const { countLimit, sizeLimit } = this.o;
    const spill: T[] = [];
    while ((out.count > countLimit || out.accurateSize() > sizeLimit) && out.count > 1) {
      spill.push(out.removeLast());
    }
    this.earliest = Number.POSITIVE_INFINITY;
    for (let i = spill.length - 1; i >= 0; i--) {
      const it = spill[i]!;
      rest.add(it);
      if (it.deadline < this.earliest) this.earliest = it.deadline;
    }
    this.current = rest;
    this.arm();
    return out.count > 0 ? out : undefined;
  }

  private arm(): void {
    if (this.current.count === 0) this.timer.cancel();
    else this.timer.schedule(this.earliest);
  }

  private readonly fire = (): void => {
    if (this.current.count === 0) return;
    if (this.earliest > this.clock.now() + 1) {
      // Armed for items that have left since: what remains is not due yet.
      this.arm();
      return;
    }
    const out = this.take();
    if (out) this.o.onTimer(out);
  };
}

function isSorted<T extends Timed>(items: readonly T[]): boolean {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.deadline < items[i - 1]!.deadline) return false;
  }
  return true;
}
