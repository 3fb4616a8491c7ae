// Every error the producer raises, in one place; the base error, InvalidOptionError and
// ValidationError come from @kinesis-producer/options, which the standalone CLI shares, and are
// re-exported here. Each has
// a stable `code` that programs can switch on, and a message a person can act on.

import { KinesisProducerError } from '@kinesis-producer/options';
import type { UserRecord, UserRecordResult } from './types.js';

export {
  InvalidOptionError,
  KinesisProducerError,
  ValidationError,
} from '@kinesis-producer/options';

/** Kinesis did not take the record before its time ran out, or refused it for good. */
export class UserRecordFailedError extends KinesisProducerError {
  constructor(
    readonly result: UserRecordResult,
    readonly userRecord: UserRecord,
  ) {
    super(
      'ERR_USER_RECORD_FAILED',
      `Record for stream ${userRecord.streamName} failed after ${result.attempts.length} attempt(s): ${failureCause(result.attempts)}`,
    );
  }
}

/**
 * The attempt that decided a failure, in words. When the last attempt only says the record ran
 * out of time, the service's own error before it is the cause worth reading, so it comes first.
 */
function failureCause(attempts: UserRecordResult['attempts']): string {
  const last = attempts.at(-1);
  if (!last) return 'no attempt';
  const text = (a: typeof last) => `${a.errorCode ?? 'unknown'}: ${a.errorMessage ?? ''}`;
  if (!last.errorCode?.startsWith('Expired')) return text(last);
  for (let i = attempts.length - 2; i >= 0; i--) {
    const a = attempts[i]!;
    if (!a.successful && a.errorCode && !a.errorCode.startsWith('Expired')) {
      return `${text(a)} (then ${text(last)})`;
    }
  }
  return text(last);
}

/** The daemon process ended while records were outstanding, or before a call could reach it. */
export class DaemonExitedError extends KinesisProducerError {
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
    /** Why it ended, when known: the daemon's own fatal error, a protocol error, a hang. */
    readonly reason?: string,
    readonly userRecord?: UserRecord,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail = stderrTail ? `; its last output: ${stderrTail}` : '';
    super(
      'ERR_DAEMON_EXITED',
      `The kinesis-producer daemon ${how}${reason ? ` (${reason})` : ''}${tail}`,
    );
  }
}

/**
 * Daemons kept crashing while they held this record, the last time with no other record: it is
 * failed so that the others can go on (resubmitOnDaemonExit). `cause` is the last crash.
 */
export class PoisonRecordError extends KinesisProducerError {
  constructor(
    readonly crashes: number,
    readonly userRecord: UserRecord,
    cause: DaemonExitedError,
  ) {
    super(
      'ERR_POISON_RECORD',
      `Record for stream ${userRecord.streamName} failed: the daemon crashed ${crashes} times while it held this record, the last time with no other record; it is not sent again (last crash: ${cause.message})`,
      { cause },
    );
  }
}

/** The wire between wrapper and daemon carried something that cannot be decoded. */
export class ProtocolError extends KinesisProducerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_PROTOCOL', message, options);
  }
}

/**
 * The record had no result after userRecordTimeoutInMillis (the KPL's FutureTimedOutException).
 * The daemon may still deliver it; a result that arrives later is ignored.
 */
export class UserRecordTimeoutError extends KinesisProducerError {
  constructor(
    readonly timeoutMs: number,
    readonly userRecord: UserRecord,
  ) {
    super(
      'ERR_USER_RECORD_TIMEOUT',
      `Record for stream ${userRecord.streamName} had no result after ${timeoutMs} ms ` +
        '(userRecordTimeoutInMillis); it may still have been delivered.',
    );
  }
}

/** close() was called: the producer takes no more records, calls or metrics requests. */
export class ProducerClosedError extends KinesisProducerError {
  constructor(readonly userRecord?: UserRecord) {
    super(
      'ERR_PRODUCER_CLOSED',
      'The producer is closing or closed and takes no more records; create a new one.',
    );
  }
}

/** destroy() was called: outstanding and later calls fail with this. */
export class ProducerDestroyedError extends KinesisProducerError {
  constructor(readonly userRecord?: UserRecord) {
    super('ERR_PRODUCER_DESTROYED', 'The producer was destroyed; the record was not confirmed.');
  }
}

/**
 * `err` as the failure of one record: the same error (instanceof, code, message) with that
 * record as `.userRecord`, so a caller can re-route exactly what failed. One error can so serve
 * every record a daemon exit failed, without building a new one each.
 */
export function withRecord<E extends KinesisProducerError>(
  err: E,
  record: UserRecord,
): E & { userRecord: UserRecord } {
  const e = Object.create(err) as E & { userRecord: UserRecord };
  Object.defineProperty(e, 'userRecord', { value: record, enumerable: true });
  return e;
}

/** Past maxOutstandingRecords or maxOutstandingBytes: the record was not taken. */
export class BufferFullError extends KinesisProducerError {
  constructor(
    readonly outstandingRecords: number,
    readonly outstandingBytes: number,
    readonly limit: 'maxOutstandingRecords' | 'maxOutstandingBytes',
    readonly userRecord: UserRecord,
  ) {
    super(
      'ERR_BUFFER_FULL',
      `The producer holds ${outstandingRecords} records (${outstandingBytes} bytes), at its ${limit}; ` +
        'await producer.waitForCapacity() or use producer.writable() before adding more.',
    );
  }
}

/**
 * The Glue Schema Registry could not give the schema version of a record's schema (the call
 * failed, or the schema is not registered and autoRegistration is off). Only the records with
 * that schema fail; `cause` holds the Glue error when there was one.
 */
export class SchemaRegistryError extends KinesisProducerError {
  /** The record that failed (absent on the error of the lookup itself). */
  readonly userRecord: UserRecord | undefined;
  constructor(
    message: string,
    readonly schemaName: string,
    readonly registryName: string,
    options?: { cause?: unknown; userRecord?: UserRecord },
  ) {
    super('ERR_SCHEMA_REGISTRY', message, options);
    this.userRecord = options?.userRecord;
  }
}

/**
 * Records taken by put() or putMany() failed while no onPutFailure listener was registered.
 * flushSync() and close() reject with it, so such failures cannot pass unnoticed; `first` is the
 * first of them, with its record and (for a failure Kinesis reported) its full result.
 */
export class UnhandledPutFailuresError extends KinesisProducerError {
  constructor(
    readonly count: number,
    readonly first: KinesisProducerError & { userRecord: UserRecord },
  ) {
    super(
      'ERR_UNHANDLED_PUT_FAILURES',
      `${count} record(s) taken by put() failed with no onPutFailure listener; the first: ${first.message}`,
    );
  }
}

/**
 * A feature that was used needs a package the application has not installed (an optional peer
 * dependency of kinesis-producer). The message says what to install.
 */
export class MissingDependencyError extends KinesisProducerError {
  constructor(
    readonly packageName: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(
      'ERR_MISSING_DEPENDENCY',
      `${feature} need the package ${packageName}, which is not installed: add it to your ` +
        `application (npm install ${packageName}).`,
      options,
    );
  }
}
