// One timer for the earliest of many deadlines: the batcher, the delay queue, the credentials
// gate, the aggregator's wait for the first shard map and the limiter's poll each hold many
// items with times, and none of them may cost a timer per item.
import { type Clock, monotonicClock } from './clock.js';

// setTimeout treats anything above 2^31-1 ms as 1 ms; deadlines can be much further away.
const MAX_TIMER = 2 ** 31 - 1;

export class DeadlineTimer {
  private handle: unknown;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(
    /** Runs once the deadline has come; the owner schedules its next one from there. */
    private readonly due: () => void,
    private readonly clock: Clock = monotonicClock,
    private readonly unref = false,
  ) {}

  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** Fires at `at`, unless already armed for that time or earlier: re-arms only when it moves in. */
  schedule(at: number): void {
    if (this.handle !== undefined && at >= this.armedFor) return;
    this.cancel();
    this.armedFor = at;
    this.start();
  }

  cancel(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private start(): void {
    const delay = Math.min(MAX_TIMER, Math.max(0, Math.ceil(this.armedFor - this.clock.now())));
    this.handle = this.clock.setTimeout(this.fire, delay, this.unref);
  }

  private readonly fire = (): void => {
    this.handle = undefined;
    // A deadline past MAX_TIMER is reached in steps; a millisecond early counts as on time
    // (timers and the monotonic clock round differently).
    if (this.armedFor > this.clock.now() + 1) {
      this.start();
      return;
    }
    this.armedFor = Number.POSITIVE_INFINITY;
    this.due();
  };
}
