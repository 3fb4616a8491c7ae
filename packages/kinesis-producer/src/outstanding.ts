// The journal of records taken and not yet settled, in the order they were taken. It holds what
// is needed to send a record again to a restarted daemon, counts what the back-pressure limits
// count, wakes those waiting for room or for the end, and times records out with one timer.

import { raceAbort } from './abort.js';
import type { UserRecord, UserRecordResult } from './types.js';
import type { CheckedRecord } from './validate.js';

/** A record taken and not settled: what was sent (and goes out again after a restart), and more. */
export interface Entry extends CheckedRecord {
  resolve(r: UserRecordResult): void;
  reject(e: Error): void;
  /** The record as the caller gave it, for the error if it fails. */
  readonly record: UserRecord;
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

/**
 * Ids are handed out in increasing order and entries added in that order, so the journal is an
 * array indexed by id - base: O(1) without hashing, oldest first, compacted as the head settles.
 */
export class Outstanding {
  private slots: (Entry | undefined)[] = [];
  private base = 0;
  private head = 0;
  private count = 0;
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
    return this.count;
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
    if (this.count >= this.limits.maxRecords) return 'maxOutstandingRecords';
    if (this.heldBytes >= this.limits.maxBytes) return 'maxOutstandingBytes';
    return undefined;
  }

  add(id: number, entry: Entry): void {
    if (this.count === 0) {
      this.slots.length = 0;
      this.base = id;
      this.head = 0;
    }
    const at = id - this.base;
    if (at < this.slots.length) throw new RangeError(`record id ${id} was added out of order`);
    while (this.slots.length < at) this.slots.push(undefined);
    this.slots.push(entry);
    this.count++;
    this.heldBytes += entry.bytes;
    if (this.limits.timeoutMs > 0 && this.timer === undefined) this.arm(entry.createdAt);
  }

  /** Removes and returns the entry, or undefined when it was settled already (or timed out). */
  take(id: number): Entry | undefined {
    const at = id - this.base;
    const e = at >= this.head ? this.slots[at] : undefined;
    if (!e) return undefined;
    this.slots[at] = undefined;
    this.count--;
    this.heldBytes -= e.bytes;
    if (at === this.head) this.advance();
    if (this.capacityWaiters.length > 0 && this.full() === undefined) {
      wake(this.capacityWaiters);
      this.capacityWaiters = [];
    }
    if (this.count === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      wake(this.idleWaiters);
      this.idleWaiters = [];
    }
    return e;
  }

  oldest(): Entry | undefined {
    return this.count > 0 ? this.slots[this.head] : undefined;
  }

  /** Ids and entries, oldest first: the order in which they go out again after a restart. */
  *[Symbol.iterator](): IterableIterator<[number, Entry]> {
    for (let i = this.head; i < this.slots.length; i++) {
      const e = this.slots[i];
      if (e) yield [this.base + i, e];
    }
  }

  /** Removes every entry and returns them, oldest first. */
  takeAll(): [number, Entry][] {
    const all = [...this];
    for (const [id] of all) this.take(id);
    return all;
  }

  /**
   * Resolves as soon as a record can be taken (at once if it can now). With a signal, rejects
   * with its reason when it aborts first, and the waiter is gone: nothing is kept for it.
   */
  waitForCapacity(signal?: AbortSignal): Promise<void> {
    if (this.full() === undefined && !signal?.aborted) return Promise.resolve();
    let waiter: (() => void) | undefined;
    const wait = new Promise<void>((resolve) => {
      waiter = resolve;
      this.capacityWaiters.push(resolve);
    });
    return raceAbort(wait, signal, () => {
      this.capacityWaiters = this.capacityWaiters.filter((w) => w !== waiter);
    });
  }

  /** How many wait for room (tests check that an aborted wait leaves nothing behind). */
  get waitingForCapacity(): number {
    return this.capacityWaiters.length;
  }

  /** Resolves when nothing is outstanding. */
  waitForIdle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
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
    for (let e = this.oldest(); e; e = this.oldest()) {
      if (e.createdAt > due) {
        this.arm(e.createdAt);
        return;
      }
      const id = this.base + this.head;
      this.take(id);
      this.onTimeout(id, e);
    }
  }

  /** Moves the head past settled slots; drops them once they are most of the array. */
  private advance(): void {
    const slots = this.slots;
    let h = this.head;
    while (h < slots.length && slots[h] === undefined) h++;
    if (h > 1024 && h * 2 > slots.length) {
      this.slots = slots.slice(h);
      this.base += h;
      h = 0;
    }
    this.head = h;
  }
}

function wake(waiters: (() => void)[]): void {
  for (const w of waiters) w();
}
