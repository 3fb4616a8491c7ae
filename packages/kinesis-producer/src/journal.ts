// The journal of records taken and not yet settled, in the order they were taken. It holds what
// is needed to send a record again to a restarted daemon, counts what the back-pressure limits
// count, wakes those waiting for room or for the end, and times records out with one timer.

import type { CheckedRecord } from '@kinesis-producer/options';
import { raceAbort } from './abort.js';
import { type Framed, SentFrames } from './sent-frames.js';
import { TakeTimes } from './take-times.js';
import type { UserRecord, UserRecordResult } from './types.js';

/**
 * A record taken and not settled: what was sent (and goes out again after a restart, from its
 * frame once one was written), and more.
 */
export interface Entry extends Framed {
  /** The record's values while no frame holds them (see TakenRecord). */
  source: CheckedRecord | undefined;
  resolve(r: UserRecordResult): void;
  reject(e: Error): void;
  /**
   * Settles it as a success when nobody will read its result (true): a record of put() with no
   * success listener, or of a writable stream. False, and nothing done, when the result must be
   * made for resolve(). Most records of a fire-and-forget run need no result object at all.
   */
  succeedUnread(): boolean;
  /** The record as the caller gave it, for the error if it fails. */
  readonly record: UserRecord;
  /** Data plus partition key, as the byte limit counts them. */
  readonly bytes: number;
}

/**
 * The time an entry is taken, left for the journal to read once per turn: a burst of tens of
 * thousands of records taken in one synchronous loop would otherwise read the clock for each.
 */
export const UNSTAMPED = -1;

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
 * One record that stays while millions after it settle (a stuck oldest record) would leave the
 * array growing with the id range behind it, so when the array is mostly holes its live entries
 * move to `stragglers`, a Map in id order, and the array starts afresh: the memory held follows
 * the number of records outstanding, never the range of their ids.
 *
 * The array is reused rather than made anew: `end` marks how much of it is in use, and every
 * slot from `end` on is undefined. Growing an array by push from empty at every burst, and
 * copying it to drop its settled head, was about 30 bytes of garbage per record in the user's
 * process; the array now grows only past its largest span, and is let go when the journal
 * empties after holding far more than it used (so the memory kept follows the records
 * outstanding).
 */
export class Journal {
  private slots: (Entry | undefined)[] = [];
  private base = 0;
  private head = 0;
  /** Slots in use: from `end` on, every slot is undefined. */
  private end = 0;
  /** The largest `end` since the journal last emptied. */
  private peakEnd = 0;
  private count = 0;
  private heldBytes = 0;
  /** Live entries older than `base`, in id order (they were moved in that order). */
  private stragglers = new Map<number, Entry>();
  /**
   * Records that timed out in the wrapper but that the daemon still holds: id -> bytes. Their
   * promises are settled, but they still count against the limits until the daemon answers for
   * them or ends, so the daemon's memory stays within maxOutstandingRecords/Bytes.
   */
  private lingering = new Map<number, number>();
  private lingeringBytes = 0;
  private capacityWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** First id not yet given a time, or -1; stamped at the end of the turn. */
  private unstampedFrom = -1;
  /** When the records in the array were taken (performance.now() in whole ms, rounded up). */
  private readonly times = new TakeTimes();
  /** The times of the stragglers (their ids are below every run's). */
  private stragglerTimes = new Map<number, number>();
  /** The frames written for the entries: what they are sent again from. */
  readonly frames = new SentFrames(() => this);

  constructor(
    private readonly limits: JournalLimits,
    private readonly onTimeout: (id: number, entry: Entry) => void,
    private readonly now: () => number = () => performance.now(),
    /** Whether a daemon holds the record now, so that a timeout leaves it counting. */
    private readonly heldByDaemon: (id: number) => boolean = () => true,
  ) {}

  /** Records without a result. */
  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** What the limits count: records without a result, and those timed out the daemon still holds. */
  get countedRecords(): number {
    return this.count + this.lingering.size;
  }

  get countedBytes(): number {
    return this.heldBytes + this.lingeringBytes;
  }

  /**
   * Slots the journal keeps, live or not: what its memory grows with. For tests, which check that
   * it follows the records outstanding rather than the range of their ids.
   */
  get footprint(): number {
    return this.end - this.head + this.stragglers.size + this.lingering.size;
  }

  /** Slots the array holds, in use or kept for reuse (tests check it is let go). */
  get capacity(): number {
    return this.slots.length;
  }

  /**
   * The limit already reached, or undefined while a record can be taken. A record is refused only
   * once a limit is reached, so one that arrives just under the byte limit may take it past by at
   * most its own size; in exchange, `await waitForCapacity()` then an add never fails for room.
   */
  full(): Limit | undefined {
    if (this.count + this.lingering.size >= this.limits.maxRecords) return 'maxOutstandingRecords';
    if (this.heldBytes + this.lingeringBytes >= this.limits.maxBytes) return 'maxOutstandingBytes';
    return undefined;
  }

  /**
   * `createdAt`: performance.now() when it was taken, in whole ms rounded up; UNSTAMPED for the
   * journal to stamp once the turn that took it ends.
   */
  add(id: number, entry: Entry, createdAt = UNSTAMPED): void {
    if (this.count === 0) {
      this.base = id;
      this.head = 0;
      this.end = 0;
    }
    const at = id - this.base;
    if (at < this.end) throw new RangeError(`record id ${id} was added out of order`);
    const slots = this.slots;
    if (at < slots.length) slots[at] = entry;
    else {
      while (slots.length < at) slots.push(undefined);
      slots.push(entry);
    }
    this.end = at + 1;
    if (this.end > this.peakEnd) this.peakEnd = this.end;
    this.count++;
    this.heldBytes += entry.bytes;
    if (createdAt === UNSTAMPED) {
      if (this.unstampedFrom < 0) {
        this.unstampedFrom = id;
        queueMicrotask(this.stampTurn);
      }
      return;
    }
    // Ids already waiting for the turn's time get it first: runs follow the ids.
    this.stamp();
    this.times.add(id, createdAt);
    if (this.limits.timeoutMs > 0 && this.timer === undefined) this.arm(createdAt);
  }

  /** Removes and returns the entry, or undefined when it was settled already (or timed out). */
  take(id: number): Entry | undefined {
    // Before the array moves (advance, compact) and before the entry leaves without its time.
    if (this.unstampedFrom >= 0) this.stamp();
    const at = id - this.base;
    let e: Entry | undefined;
    if (at >= this.head) {
      e = this.slots[at];
      if (!e) return this.answered(id);
      this.slots[at] = undefined;
      if (at === this.head) this.advance();
      else if (this.mostlyHoles()) this.compact();
    } else {
      e = this.stragglers.get(id);
      if (!e) return this.answered(id);
      this.stragglers.delete(id);
      this.stragglerTimes.delete(id);
    }
    this.count--;
    this.heldBytes -= e.bytes;
    this.frames.release(e);
    this.wakeForRoom();
    if (this.count === 0) {
      this.shrink();
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      wake(this.idleWaiters);
      this.idleWaiters = [];
    }
    return e;
  }

  /** The entry waiting for a result under that id, if any; it stays. */
  get(id: number): Entry | undefined {
    const at = id - this.base;
    return at >= this.head ? this.slots[at] : this.stragglers.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  oldest(): Entry | undefined {
    return this.oldestEntry()?.[1];
  }

  /** When the oldest record without a result was taken (whole ms), or undefined when none is. */
  oldestCreatedAt(): number | undefined {
    const o = this.oldestEntry();
    return o === undefined ? undefined : this.timeOf(o[0]);
  }

  /** When the record under that id, still here, was taken (whole ms). */
  createdAt(id: number): number {
    this.stamp();
    return this.timeOf(id);
  }

  /** Ids and entries, oldest first: the order in which they go out again after a restart. */
  *[Symbol.iterator](): IterableIterator<[number, Entry]> {
    this.stamp();
    yield* this.stragglers;
    for (let i = this.head; i < this.end; i++) {
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
   * The daemon that held the timed-out records ended: nothing holds them any more, so they stop
   * counting against the limits (they are not sent again: their promises are settled).
   */
  forgetTimedOut(): void {
    this.lingering.clear();
    this.lingeringBytes = 0;
    this.wakeForRoom();
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

  /** An answer for a record no longer waiting: if it had timed out, the daemon now let go of it. */
  private answered(id: number): undefined {
    if (this.lingering.size === 0) return undefined;
    const bytes = this.lingering.get(id);
    if (bytes === undefined) return undefined;
    this.lingering.delete(id);
    this.lingeringBytes -= bytes;
    this.wakeForRoom();
    return undefined;
  }

  private wakeForRoom(): void {
    if (this.capacityWaiters.length > 0 && this.full() === undefined) {
      wake(this.capacityWaiters);
      this.capacityWaiters = [];
    }
  }

  private oldestEntry(): [number, Entry] | undefined {
    if (this.count === 0) return undefined;
    this.stamp();
    if (this.stragglers.size > 0) return this.stragglers.entries().next().value;
    return [this.base + this.head, this.slots[this.head]!];
  }

  /**
   * Gives the entries taken since the last stamp the time now, rounded up. It runs in a microtask
   * queued by the turn's first add, or earlier when something reads the entries: either way after
   * they were taken, so a timeout counted from it never ends early (at most late by the length of
   * the synchronous loop that took them). Whole ms, so that V8 keeps the times as small integers.
   */
  private stamp(): void {
    const from = this.unstampedFrom;
    if (from < 0) return;
    this.unstampedFrom = -1;
    this.times.add(from, Math.ceil(this.now()));
    if (this.limits.timeoutMs > 0 && this.timer === undefined && this.count > 0) {
      this.arm(this.timeOf(this.oldestEntry()![0]));
    }
  }

  /** The time of a record still here (stamped). */
  private timeOf(id: number): number {
    return id < this.base ? this.stragglerTimes.get(id)! : this.times.timeOf(id);
  }

  private readonly stampTurn = (): void => this.stamp();

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
    for (let o = this.oldestEntry(); o; o = this.oldestEntry()) {
      const [id, e] = o;
      const createdAt = this.timeOf(id);
      if (createdAt > due) {
        this.arm(createdAt);
        return;
      }
      // Counted as lingering before it leaves, so that its room is not handed out meanwhile. One
      // no daemon holds (it waits for a restart, or for an isolation to end) is simply gone.
      if (this.heldByDaemon(id)) {
        this.lingering.set(id, e.bytes);
        this.lingeringBytes += e.bytes;
      }
      this.take(id);
      this.onTimeout(id, e);
    }
  }

  /**
   * Moves the head past settled slots; once they are most of the span in use, moves the live
   * part to the front of the same array.
   */
  private advance(): void {
    const slots = this.slots;
    const end = this.end;
    let h = this.head;
    while (h < end && slots[h] === undefined) h++;
    if (h > 1024 && h * 2 > end) {
      // Plain loops: Array's copyWithin and fill took about twice as long for these spans.
      const live = end - h;
      for (let i = 0; i < live; i++) slots[i] = slots[i + h];
      for (let i = live; i < end; i++) slots[i] = undefined;
      this.base += h;
      this.end = end - h;
      h = 0;
    }
    this.head = h;
    this.times.dropBefore(this.base + h);
  }

  /**
   * The journal emptied: the array is kept for the next records unless it is far larger than
   * the span just used (one burst much bigger than the rest would otherwise hold its memory).
   */
  private shrink(): void {
    this.head = 0;
    this.end = 0;
    // Stamped already (take stamps first): no id waits for a time.
    this.times.clear();
    if (this.slots.length > 2 * this.peakEnd + KEPT_SLOTS) this.slots = [];
    this.peakEnd = 0;
  }

  /**
   * Whether the array past the head is almost all holes, and big enough to matter. Results come
   * back per shard, so a burst settles out of id order and leaves holes spread over the whole
   * array until its last shard answers: moving the live entries to the Map then would cost a
   * Map insert and delete per record for nothing. Only a span of HOLES_PER_LIVE slots per live
   * entry is worth moving; the holes kept meanwhile cost 8 bytes each, so at most
   * 8 * HOLES_PER_LIVE bytes per record outstanding, less than the entry itself.
   */
  private mostlyHoles(): boolean {
    const span = this.end - this.head;
    return span > 2048 && span > HOLES_PER_LIVE * (this.count - this.stragglers.size);
  }

  /**
   * Moves the array's live entries to the stragglers and starts an empty array at the next id.
   * It runs once the holes outnumber the live entries many times over, so its cost is paid for
   * by the settles that made those holes.
   */
  private compact(): void {
    const slots = this.slots;
    for (let i = this.head; i < this.end; i++) {
      const e = slots[i];
      if (e) {
        const id = this.base + i;
        this.stragglers.set(id, e);
        this.stragglerTimes.set(id, this.times.timeOf(id));
      }
    }
    slots.fill(undefined, this.head, this.end);
    this.base += this.end;
    this.head = 0;
    this.end = 0;
    this.times.dropBefore(this.base);
  }
}

/** Slots past the head per live entry in the array before they move to the stragglers. */
const HOLES_PER_LIVE = 16;

/** Slots kept past twice the last span used: small arrays are always worth reusing. */
const KEPT_SLOTS = 4096;

function wake(waiters: (() => void)[]): void {
  for (const w of waiters) w();
}
