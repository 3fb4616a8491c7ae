// The one buffering primitive behind the aggregator (a buffer per predicted shard) and the
// collector (a buffer per stream). It knows limits and deadlines, never formats.
import type { BatchContainer, Timed } from './batch.js';
import { now } from './clock.js';

export interface BatcherOptions<T extends Timed, C extends BatchContainer<T>> {
  countLimit: number;
  sizeLimit: number;
  create: () => C;
  /** An extra flush trigger, checked after each add (may keep its own state). */
  trigger?: (item: T) => boolean;
  /** Receives what a deadline releases. Limit-triggered batches are returned by add(). */
  onTimer: (batch: C) => void;
}

// setTimeout treats anything above 2^31-1 ms as 1 ms; deadlines can be much further away.
const MAX_TIMER = 2 ** 31 - 1;

export class Batcher<T extends Timed, C extends BatchContainer<T>> {
  private current: C;
  private earliest = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly o: BatcherOptions<T, C>) {
    this.current = o.create();
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
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
    if (this.current.count === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.timer && this.earliest >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = this.earliest;
    const delay = Math.min(MAX_TIMER, Math.max(0, Math.ceil(this.earliest - now())));
    this.timer = setTimeout(this.fire, delay);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.current.count === 0) return;
    if (this.earliest > now() + 1) {
      // A long deadline is reached in steps of at most MAX_TIMER.
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
