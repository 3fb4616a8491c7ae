// producer.writable(stream): a Node Writable in object mode. A chunk is taken as soon as the
// producer has room, so the stream buffers (up to highWaterMark, and write() returns false) only
// while the producer is full: memory stays within the producer's limits plus highWaterMark
// chunks. 'finish' comes once every record written has its result.
// Records are taken as put() takes them, with the stream itself as where their results go: a
// promise per record (and the record object and two callbacks to wait on it) would be most of
// what a record costs a pipeline.
import { Writable } from 'node:stream';
import {
  BufferFullError,
  type KinesisProducerError,
  ValidationError,
  withRecord,
} from './errors.js';
import type { PutFailure, PutResultSink } from './put-outcomes.js';
import type { UserRecord, UserRecordResult } from './types.js';

/** What a chunk can be: a record without its stream, or bare data with the partitionKey option. */
export type WritableChunk =
  | { partitionKey: string; data: Uint8Array | string; explicitHashKey?: string }
  | Uint8Array
  | string;

export interface ProducerWritableOptions {
  /** Chunks the stream buffers while the producer is full before write() returns false; default 16. */
  highWaterMark?: number;
  /** The partition key of a Buffer or string chunk; required to write those. */
  partitionKey?: (data: Uint8Array | string) => string;
  /**
   * Destroy the stream with the first failed record's error even when 'recordFailed' has
   * listeners. Without any listener the first failure always destroys it, so no failure goes
   * unseen.
   */
  destroyOnFailure?: boolean;
  /** Aborting destroys the stream (records already taken still complete). */
  signal?: AbortSignal;
}

/** The producer as the stream uses it. */
export interface RecordSink {
  /**
   * Takes a record of the stream's, its result to go to `results`; or throws at once:
   * BufferFullError when full, ValidationError, or why the producer stopped.
   */
  put(partitionKey: unknown, data: unknown, explicitHashKey: unknown, results: PutResultSink): void;
  waitForCapacity(): Promise<void>;
  flush(streamName: string): void;
}

/**
 * Events, besides a Writable's own: 'recordFailed' (err) for each record that fails, with the
 * record as `err.userRecord`. An error of the stream itself (the producer closed, was destroyed
 * or its daemon could not be kept running) is an 'error' as usual.
 */
export class ProducerWritable extends Writable {
  /** Records written that succeeded. */
  succeeded = 0;
  /** Records written that failed (each was reported as 'recordFailed' or destroyed the stream). */
  failed = 0;
  private inFlight = 0;
  private whenIdle: (() => void) | undefined;

  constructor(
    private readonly sink: RecordSink,
    readonly streamName: string,
    private readonly options: ProducerWritableOptions = {},
  ) {
    super({
      objectMode: true,
      highWaterMark: options.highWaterMark ?? 16,
      signal: options.signal,
    });
  }

  /** Records taken by the producer that have no result yet. */
  get pending(): number {
    return this.inFlight;
  }

  override _write(
    chunk: WritableChunk,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const key = this.options.partitionKey;
      if (!key) {
        this.recordFailed(
          new ValidationError(
            'partitionKey',
            undefined,
            'writing a Buffer or string needs the partitionKey option (a function of the data); or write { partitionKey, data } objects',
          ),
          undefined,
        );
        done();
        return;
      }
      let partitionKey: string;
      try {
        partitionKey = key(chunk);
      } catch (err) {
        done(err as Error);
        return;
      }
      this.offer(partitionKey, chunk, undefined, done);
      return;
    }
    if (typeof chunk !== 'object' || chunk === null) {
      this.recordFailed(
        new ValidationError(
          'chunk',
          chunk,
          'an object { partitionKey, data, explicitHashKey? }, a Buffer or a string is required',
        ),
        undefined,
      );
      done();
      return;
    }
    this.offer(chunk.partitionKey, chunk.data, chunk.explicitHashKey, done);
  }

  /** Where the results of this stream's records go. */
  private readonly results: PutResultSink = {
    succeeded: (_source: { readonly record: UserRecord }, _result: UserRecordResult) => {
      this.succeeded++;
      this.settled();
    },
    // A stream counts its successes: it never needs their results.
    succeededUnread: () => {
      this.succeeded++;
      this.settled();
      return true;
    },
    failed: (failure: PutFailure) => {
      this.recordFailed(failure, undefined);
      this.settled();
    },
  };

  override _final(done: (err?: Error | null) => void): void {
    try {
      this.sink.flush(this.streamName);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (this.inFlight === 0) done();
    else this.whenIdle = () => done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.whenIdle = undefined;
    done(err);
  }

  private offer(
    partitionKey: unknown,
    data: unknown,
    explicitHashKey: unknown,
    done: (err?: Error | null) => void,
  ): void {
    try {
      this.sink.put(partitionKey, data, explicitHashKey, this.results);
    } catch (err) {
      if (err instanceof BufferFullError) {
        this.offerWithRoom(partitionKey, data, explicitHashKey, done);
      } else if (err instanceof ValidationError) {
        const record = { streamName: this.streamName, partitionKey, data, explicitHashKey };
        this.recordFailed(err, record as UserRecord);
        done();
      } else {
        done(err as Error);
      }
      return;
    }
    this.inFlight++;
    done();
  }

  /**
   * The one place the stream waits: the callback, and so the next chunk, comes with room. A
   * method of its own because a closure over offer()'s arguments, even in a branch seldom taken,
   * makes V8 allocate a context for them on every call: about 70 bytes per record.
   */
  private offerWithRoom(
    partitionKey: unknown,
    data: unknown,
    explicitHashKey: unknown,
    done: (err?: Error | null) => void,
  ): void {
    void this.sink.waitForCapacity().then(() => {
      if (this.destroyed) done();
      else this.offer(partitionKey, data, explicitHashKey, done);
    });
  }

  private settled(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.whenIdle) {
      const f = this.whenIdle;
      this.whenIdle = undefined;
      f();
    }
  }

  private recordFailed(err: KinesisProducerError, record: UserRecord | undefined): void {
    this.failed++;
    const e = record && !('userRecord' in err && err.userRecord) ? withRecord(err, record) : err;
    const listened = this.listenerCount('recordFailed') > 0;
    if (listened) this.emit('recordFailed', e);
    if (!listened || this.options.destroyOnFailure) this.destroy(e);
  }
}
