// How many PutRecords requests may be in flight at once, adapted to the endpoint (AIMD). A slow
// endpoint answers late; every request that times out is sent again while the first may still be
// stored, so sending as many as the pool allows turns slowness into a storm of duplicates. The
// window starts at one request and grows by one with each answer in time (doubling every round
// trip) until the first timeout; a timeout halves it; after that, each window's worth of answers
// in time widens it by one. An endpoint that cannot take many requests at once is never sent
// many, not even at start, where a backlog it would still be working through after the client
// gave up would time out the requests after it too.

export interface RequestWindowOptions {
  /** The most requests in flight (the connection pool's size). */
  max: number;
  /** Monotonic milliseconds (injected in tests). */
  now: () => number;
}

export class RequestWindow {
  private limitNow: number;
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  /** When the window was last cut: requests sent before then do not cut it again. */
  private cutAt = Number.NEGATIVE_INFINITY;
  /** Answers in time since the window last changed. */
  private onTime = 0;
  /** Until the first timeout, the window grows by one with every answer in time. */
  private slowStart = true;

  constructor(private readonly o: RequestWindowOptions) {
    this.limitNow = 1;
  }

  get limit(): number {
    return this.limitNow;
  }

  get active(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with the time the request may go; the caller must call done() once it ends. */
  acquire(): Promise<number> {
    if (this.inFlight < this.limitNow && this.queue.length === 0) {
      this.inFlight++;
      return Promise.resolve(this.o.now());
    }
    return new Promise((resolve) => {
      this.queue.push(() => resolve(this.o.now()));
    });
  }

  /** A request sent at `sentAt` ended; `timedOut` when the endpoint did not answer in time. */
  done(sentAt: number, timedOut: boolean): void {
    this.inFlight--;
    if (timedOut) {
      // Every request in flight when the endpoint slowed down times out together: one cut for
      // all of them, then only requests sent at the new width count.
      if (sentAt > this.cutAt) {
        this.limitNow = Math.max(1, Math.floor(this.limitNow / 2));
        this.cutAt = this.o.now();
        this.onTime = 0;
        this.slowStart = false;
      }
    } else if (this.limitNow < this.o.max && (this.slowStart || ++this.onTime >= this.limitNow)) {
      this.limitNow++;
      this.onTime = 0;
    }
    this.release();
  }

  private release(): void {
    while (this.inFlight < this.limitNow && this.queue.length > 0) {
      this.inFlight++;
      this.queue.shift()!();
    }
  }
}
