// Finds the record that crashes the daemon. A record whose handling kills the daemon would, sent
// again to every new daemon, kill each of them in turn until the producer gives up, taking every
// other record with it. So once daemons have died twice with the same records outstanding, those
// records go to the next daemons a few at a time, each group alone and flushed at once; a group
// that crashes a daemon is sent again as smaller groups, then one record at a time, and a record
// that crashes a daemon alone fails with PoisonRecordError. The others are delivered.
import type { DaemonExitedError } from './errors.js';
import type { Entry, Journal } from './journal.js';

/** Crashes with the same record outstanding before the records are isolated. */
export const SUSPECT_AFTER_CRASHES = 2;
/** The first group's size, and what a crashed larger group is split into before single records. */
export const SMALL_GROUP = 8;
/** Groups double after each that went through, up to this. */
export const LARGEST_GROUP = 1024;

export interface IsolationHooks {
  send(id: number, e: Entry): void;
  /** Asks the daemon to send what it buffers now, so a group does not wait RecordMaxBufferedTime. */
  flush(): void;
  /** Resolves once the daemon just started has answered something: it is up and reading. */
  alive(): Promise<unknown>;
  /** The record crashed a daemon when it was the only one it held. */
  poisoned(id: number, e: Entry, crashes: number, last: DaemonExitedError): void;
  log(level: 'info' | 'warn', message: string): void;
}

export class CrashIsolation {
  /** Daemon crashes each record outstanding at the last crash lived through. */
  private crashes = new Map<number, number>();
  private active = false;
  /** Groups to send before more of `rest`: the parts of a group that crashed. */
  private splits: number[][] = [];
  /** The records outstanding when isolation began, oldest first, and how far they went out. */
  private rest: number[] = [];
  private restAt = 0;
  private groupSize = SMALL_GROUP;
  /** The group the current daemon holds, and how far into it the settled records go. */
  private group: number[] | undefined;
  private groupSettled = 0;
  private groupWasSplit = false;
  /** Counts daemon starts, so that a start superseded by a crash sends nothing. */
  private generation = 0;

  constructor(
    private readonly journal: Journal,
    private readonly hooks: IsolationHooks,
  ) {}

  /** While true, records added are held in the journal and go out when isolation ends. */
  get isolating(): boolean {
    return this.active;
  }

  /** Whether the current daemon was given the record: while isolating, only the group is. */
  sent(id: number): boolean {
    return !this.active || (this.group?.includes(id) ?? false);
  }

  /** A daemon died with the journal's records outstanding (they will be sent again). */
  crashed(err: DaemonExitedError): void {
    this.generation++;
    if (this.active) {
      this.groupCrashed(err);
      return;
    }
    const counts = new Map<number, number>();
    let suspects = 0;
    for (const [id] of this.journal) {
      const n = (this.crashes.get(id) ?? 0) + 1;
      counts.set(id, n);
      if (n >= SUSPECT_AFTER_CRASHES) suspects++;
    }
    this.crashes = counts;
    if (suspects === 0) return;
    this.active = true;
    this.rest = [...counts.keys()];
    this.restAt = 0;
    this.groupSize = SMALL_GROUP;
    this.hooks.log(
      'warn',
      `kinesis-producer: daemons crashed ${SUSPECT_AFTER_CRASHES} times with the same ${suspects} records outstanding; sending the ${this.rest.length} records outstanding a few at a time to find any that crashes the daemon, and holding new records until then`,
    );
  }

  /** A new daemon is up: the journal goes to it, or, while isolating, the next group. */
  restarted(): void {
    if (!this.active) {
      for (const [id, e] of this.journal) this.hooks.send(id, e);
      return;
    }
    // A daemon that dies before it reads anything must not be blamed on the group it was sent.
    const generation = ++this.generation;
    void this.hooks.alive().then(
      () => {
        if (generation === this.generation) this.nextGroup();
      },
      () => {},
    );
  }

  /** Some records settled (answered, timed out): the group in flight may be done. */
  settled(): void {
    const group = this.group;
    if (!group) return;
    while (this.groupSettled < group.length && !this.journal.has(group[this.groupSettled]!)) {
      this.groupSettled++;
    }
    if (this.groupSettled < group.length) return;
    this.group = undefined;
    if (!this.groupWasSplit) this.groupSize = Math.min(this.groupSize * 2, LARGEST_GROUP);
    this.nextGroup();
  }

  private groupCrashed(err: DaemonExitedError): void {
    const group = this.group;
    this.group = undefined;
    if (!group) return;
    const live = group.filter((id) => this.journal.has(id));
    for (const id of live) this.crashes.set(id, (this.crashes.get(id) ?? 0) + 1);
    if (live.length === 1) {
      const id = live[0]!;
      const e = this.journal.take(id)!;
      this.hooks.poisoned(id, e, this.crashes.get(id)!, err);
      this.crashes.delete(id);
      return;
    }
    const size = live.length > SMALL_GROUP ? SMALL_GROUP : 1;
    const parts: number[][] = [];
    for (let i = 0; i < live.length; i += size) parts.push(live.slice(i, i + size));
    this.splits.unshift(...parts);
  }

  private nextGroup(): void {
    for (;;) {
      let group = this.splits.shift();
      let split = true;
      if (!group) {
        if (this.restAt >= this.rest.length) {
          this.finish();
          return;
        }
        group = this.rest.slice(this.restAt, this.restAt + this.groupSize);
        this.restAt += group.length;
        split = false;
      }
      const live = group.filter((id) => this.journal.has(id));
      if (live.length === 0) continue;
      this.group = live;
      this.groupSettled = 0;
      this.groupWasSplit = split;
      for (const id of live) this.hooks.send(id, this.journal.get(id)!);
      this.hooks.flush();
      return;
    }
  }

  /** Every suspect went through or failed: what waited goes out, and counting starts afresh. */
  private finish(): void {
    this.active = false;
    this.rest = [];
    this.restAt = 0;
    this.crashes.clear();
    const held = this.journal.size;
    this.hooks.log(
      'info',
      `kinesis-producer: isolation done; sending the ${held} records held meanwhile`,
    );
    for (const [id, e] of this.journal) this.hooks.send(id, e);
  }
}
