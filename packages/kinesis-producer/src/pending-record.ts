// One record taken and not yet settled, as the journal holds it. At hundreds of thousands of
// records a second each object kept until the result arrives costs GC time in the user's
// process, so one object holds what is sent, the promise's settle functions and the counts, and
// the record as the caller gave it is only made when an error needs it.
import type { Entry } from './journal.js';
import { TakenRecord } from './taken-record.js';
import type { UserRecord, UserRecordResult } from './types.js';

// The executor is one function for every promise (no closure per record): it hands the resolve
// function over through this variable, read back right after `new Promise` returns. The reject
// function is not kept: a record fails by resolving its promise with a rejected one, which
// settles it the same way, and the journal holds one function less per record in flight.
let settle: (r: UserRecordResult | Promise<never>) => void;
// The promise goes back to the caller the same way, through `made`, rather than as a field: the
// entry needs only the resolve function (which keeps the promise alive until it settles), and a
// field less on the object kept for every record in flight is 8 bytes less for each scavenge to
// copy.
let made: Promise<UserRecordResult> | undefined;
function capture(resolve: (r: UserRecordResult | Promise<never>) => void): void {
  settle = resolve;
}

export class PendingRecord extends TakenRecord implements Entry {
  readonly resolve: (r: UserRecordResult | Promise<never>) => void;

  /** The promise of the PendingRecord constructed last; read once, right after constructing it. */
  static takePromise(): Promise<UserRecordResult> {
    const p = made!;
    made = undefined;
    return p;
  }

  constructor(
    bytes: number,
    /** Undefined when the record came as arguments that the record as sent repeats exactly. */
    private given: UserRecord | undefined,
  ) {
    super(bytes);
    made = new Promise(capture);
    this.resolve = settle;
  }

  /** Its promise takes the result. */
  succeedUnread(): boolean {
    return false;
  }

  reject(e: Error): void {
    this.resolve(Promise.reject(e));
  }

  get record(): UserRecord {
    this.given ??= this.asUserRecord();
    return this.given;
  }
}
