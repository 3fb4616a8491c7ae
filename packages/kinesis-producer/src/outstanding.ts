// The journal of records taken and not yet settled, in the order they were taken. It holds what
// is needed to send a record again to a restarted daemon, counts what the back-pressure limits
// count, wakes those waiting for room or for the end, and times records out with one timer.

import type { UserRecord, UserRecordResult } from './types.js';
import type { CheckedRecord } from './validate.js';

export interface Entry {
  resolve(r: UserRecordResult): void;
  reject(e: Error): void;
  /** The record as the caller gave it, for the error if it fails. */
  readonly record: UserRecord;
  /** The record as checked and sent; its data is what goes out again after a restart. */
  readonly fields: CheckedRecord;
  /** Data plus partition key, as the byte limit counts them. */
  readonly bytes: number;
  /** performance.now() when it was taken. */
  readonly createdAt: number;
}

export type Limit = 'maxOutstandingRecords' | 'maxOutstandingBytes';

export interface JournalLimits {
  maxRecords: number;
  maxBytes: number;
  /** A record still here this many ms after it was taken is handed to onTimeout; 0 = never. */
  timeoutMs: number;
}

export class Outstanding {
  private readonly entries = new Map<number, Entry>();
  private heldBytes = 0;
  private capacityWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: JournalLimits,
    private readonly onTimeout: (id: number, entry: Entry) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * The limit already reached, or undefined while a record can be taken. A record is refused only
   * once a limit is reached, so one that arrives just under the byte limit may take it past by at
   * most its own size; in exchange, `await waitForCapacity()` then an add never fails for room.
   */
  full(): Limit | undefined {
    if (this.entries.size >= this.limits.maxRecords) return 'maxOutstandingRecords';
    if (this.heldBytes >= this.limits.maxBytes) return 'maxOutstandingBytes';
    return undefined;
  }

  add(id: number, entry: Entry): void {
    this.entries.set(id, entry);
    this.heldBytes += entry.bytes;
    if (this.limits.timeoutMs > 0 && this.timer === undefined) this.arm(entry.createdAt);
  }

  /** Removes and returns the entry, or undefined when it was settled already (or timed out). */
  take(id: number): Entry | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    this.entries.delete(id);
    this.heldBytes -= e.bytes;
    if (this.capacityWaiters.length > 0 && this.full() === undefined) {
      wake(this.capacityWaiters);
      this.capacityWaiters = [];
    }
    if (this.entries.size === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      wake(this.idleWaiters);
      this.idleWaiters = [];
    }
    return e;
  }

  oldest(): Entry | undefined {
    for (const e of this.entries.values()) return e;
    return undefined;
  }

  /** Ids and entries, oldest first: the order in which they go out again after a restart. */
  [Symbol.iterator](): IterableIterator<[number, Entry]> {
    return this.entries.entries();
  }

  /** Removes every entry and returns them, oldest first. */
  takeAll(): [number, Entry][] {
    const all = [...this.entries];
    for (const [id] of all) this.take(id);
    return all;
  }

  /** Resolves as soon as a record can be taken (at once if it can now). */
  waitForCapacity(): Promise<void> {
    if (this.full() === undefined) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /** Resolves when nothing is outstanding. */
  waitForIdle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Wakes every waiter, whatever the state: the producer stopped and they must see why. */
  release(): void {
    wake(this.capacityWaiters);
    wake(this.idleWaiters);
    this.capacityWaiters = [];
    this.idleWaiters = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(createdAt: number): void {
    const delay = Math.max(0, createdAt + this.limits.timeoutMs - this.now());
    this.timer = setTimeout(() => this.expire(), delay);
    // Records waiting keep the process alive through the daemon's pipes, not through this timer.
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const due = this.now() - this.limits.timeoutMs;
    // Entries were taken in time order, so the due ones are at the head.
    for (const [id, e] of this.entries) {
      if (e.createdAt > due) {
        this.arm(e.createdAt);
        return;
      }
      this.take(id);
      this.onTimeout(id, e);
    }
  }
}

function wake(waiters: (() => void)[]): void {
  for (const w of waiters) w();
}
