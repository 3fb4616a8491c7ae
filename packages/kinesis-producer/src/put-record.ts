// A record taken by put() or putMany(): no promise and no closure, only what the journal needs.
// At hundreds of thousands of records a second, the promise, its resolve function and the
// caller's continuation are most of what addUserRecord costs the user's process.
import type { Entry } from './journal.js';
import type { PutFailure, PutResultSink } from './put-outcomes.js';
import { TakenRecord } from './taken-record.js';
import type { UserRecord, UserRecordResult } from './types.js';

export abstract class PutRecord extends TakenRecord implements Entry {
  /** Where its result goes. */
  protected abstract get outcomes(): PutResultSink;

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

export type PutRecordClass = new (bytes: number) => PutRecord;

/**
 * The PutRecord class of records whose results go to `sink`. The sink is held once, by the
 * class, rather than in a field of every record: the object kept for each record in flight is 8
 * bytes smaller, and every young-generation collection copies it. Make one per sink and keep it
 * (a producer for its listeners, a writable stream for itself): each class is a shape the code
 * that settles records sees.
 */
export function putRecordsTo(sink: PutResultSink): PutRecordClass {
  return class PutRecordTo extends PutRecord {
    protected get outcomes(): PutResultSink {
      return sink;
    }
  };
}
