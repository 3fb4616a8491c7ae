// Where the results of records taken by put() and putMany() go, since no promise carries them:
// failures to every onPutFailure listener, successes to onPutSuccess listeners when there are
// any. A failure nobody listens for is kept (counted, the first one whole) for flushSync() and
// close() to reject with, and announced once as a process warning when it happens.
import { type KinesisProducerError, UnhandledPutFailuresError } from './errors.js';
import type { UserRecord, UserRecordResult } from './types.js';

/** A record that failed: the error says why, carries the record and, when Kinesis answered, the full result. */
export type PutFailure = KinesisProducerError & {
  readonly userRecord: UserRecord;
  readonly result?: UserRecordResult;
};

export type PutFailureListener = (failure: PutFailure) => void;
export type PutSuccessListener = (record: UserRecord, result: UserRecordResult) => void;

const WARNING_CODE = 'KINESIS_PRODUCER_UNHANDLED_PUT_FAILURE';

/**
 * Where one record taken without a promise reports: the producer's put listeners (PutOutcomes),
 * or a stream of producer.writable() counting its own.
 */
export interface PutResultSink {
  /** `source.record` is read only by a sink that wants it: most successes cost nothing. */
  succeeded(source: { readonly record: UserRecord }, result: UserRecordResult): void;
  /**
   * A success, if the sink does not read its result: then it is taken as one and true returned.
   * False when the sink wants the result: succeeded() is then called with it.
   */
  succeededUnread(): boolean;
  failed(failure: PutFailure): void;
}

export class PutOutcomes implements PutResultSink {
  private failureListeners: PutFailureListener[] = [];
  private successListeners: PutSuccessListener[] = [];
  private unhandled = 0;
  private firstUnhandled: PutFailure | undefined;
  private warned = false;

  onFailure(listener: PutFailureListener): () => void {
    this.failureListeners = [...this.failureListeners, listener];
    return () => {
      this.failureListeners = this.failureListeners.filter((l) => l !== listener);
    };
  }

  onSuccess(listener: PutSuccessListener): () => void {
    this.successListeners = [...this.successListeners, listener];
    return () => {
      this.successListeners = this.successListeners.filter((l) => l !== listener);
    };
  }

  /** `source.record` is only read when a listener wants it: most successes cost nothing. */
  succeeded(source: { readonly record: UserRecord }, result: UserRecordResult): void {
    const listeners = this.successListeners;
    if (listeners.length === 0) return;
    const r = source.record;
    for (const l of listeners) call(l, r, result);
  }

  /** With no success listener a success does nothing, and needs no result. */
  succeededUnread(): boolean {
    return this.successListeners.length === 0;
  }

  failed(failure: PutFailure): void {
    const listeners = this.failureListeners;
    if (listeners.length > 0) {
      for (const l of listeners) call(l, failure, undefined);
      return;
    }
    this.unhandled++;
    this.firstUnhandled ??= failure;
    if (!this.warned) {
      this.warned = true;
      process.emitWarning(
        `A record taken by put() failed and no onPutFailure listener was registered: ${failure.message}. ` +
          'flushSync() and close() will reject with UnhandledPutFailuresError.',
        { code: WARNING_CODE },
      );
    }
  }

  /** The failures nobody heard since the last call, as one error; they are then forgotten. */
  takeUnhandled(): UnhandledPutFailuresError | undefined {
    const first = this.firstUnhandled;
    if (!first) return undefined;
    const err = new UnhandledPutFailuresError(this.unhandled, first);
    this.unhandled = 0;
    this.firstUnhandled = undefined;
    this.warned = false;
    return err;
  }
}

/**
 * A listener that throws must not break the settling of the records after it (it runs inside the
 * loop that reads the daemon's answers): its error is thrown again on its own, as an uncaught
 * exception, as Node does for a throwing callback.
 */
function call<A, B>(listener: (a: A, b: B) => void, a: A, b: B): void {
  try {
    listener(a, b);
  } catch (err) {
    process.nextTick(() => {
      throw err;
    });
  }
}
