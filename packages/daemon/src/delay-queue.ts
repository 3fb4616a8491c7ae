// Items that must wait until a time: a binary heap and one timer for the earliest.
import { type Clock, monotonicClock } from './clock.js';
import { DeadlineTimer } from './deadline-timer.js';

export class DelayQueue<T> {
  private readonly heap: { at: number; item: T }[] = [];
  private readonly timer: DeadlineTimer;

  constructor(
    private readonly release: (item: T) => void,
    private readonly clock: Clock = monotonicClock,
  ) {
    this.timer = new DeadlineTimer(this.fire, clock);
  }

  get size(): number {
    return this.heap.length;
  }

  add(item: T, at: number): void {
    const h = this.heap;
    h.push({ at, item });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
    this.arm();
  }

  close(): void {
    this.timer.cancel();
  }

  private pop(): T {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top.item;
  }

  private arm(): void {
    const first = this.heap[0];
    if (first) this.timer.schedule(first.at);
  }

  private readonly fire = (): void => {
    const t = this.clock.now() + 1;
    while (this.heap.length > 0 && this.heap[0]!.at <= t) this.release(this.pop());
    this.arm();
  };
}
