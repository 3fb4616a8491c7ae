// A record taken by put() or putMany(): no promise and no closure, only what the journal needs
// and one reference to where its result goes. At hundreds of thousands of records a second, the
// promise, its resolve function and the caller's continuation are most of what addUserRecord
// costs the user's process.
import type { Entry } from './journal.js';
import type { PutFailure, PutResultSink } from './put-outcomes.js';
import { TakenRecord } from './taken-record.js';
import type { UserRecord, UserRecordResult } from './types.js';

export class PutRecord extends TakenRecord implements Entry {
  constructor(
    bytes: number,
    createdAt: number,
    private readonly outcomes: PutResultSink,
  ) {
    super(bytes, createdAt);
  }

  get record(): UserRecord {
    return this.asUserRecord();
  }

  resolve(result: UserRecordResult): void {
    this.outcomes.succeeded(this, result);
  }

  succeedUnread(): boolean {
    return this.outcomes.succeededUnread();
  }

  /** Every error that settles a record carries it as `userRecord` (withRecord, or its own). */
  reject(e: Error): void {
    this.outcomes.failed(e as PutFailure);
  }
}
