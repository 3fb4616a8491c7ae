// Taking records in: the checks every record passes (stream, key, data, explicit hash key, room,
// a producer still open), then a journal entry and the send. addUserRecord, put and putMany share
// it; only what they hand back differs (a promise, nothing, a count).
import {
  type CheckedRecord,
  checkedData,
  checkedExplicitHashKey,
  checkedPartitionKey,
  checkedStreamName,
} from '@kinesis-producer/options';
import {
  BufferFullError,
  type KinesisProducerError,
  ProducerClosedError,
  ValidationError,
  withRecord,
} from './errors.js';
import type { Journal } from './journal.js';
import { PendingRecord } from './pending-record.js';
import type { PutOutcomes, PutResultSink } from './put-outcomes.js';
import { type PutRecord, type PutRecordClass, putRecordsTo } from './put-record.js';
import type { PutEntry, UserRecord, UserRecordResult } from './types.js';

const ENTRY_SHAPE = '{ partitionKey, data, explicitHashKey? }';

/** What intake reads of the producer it serves. */
export interface IntakeOwner {
  /** Why records are refused now (a failed or destroyed producer), if they are. */
  readonly failure: KinesisProducerError | undefined;
  readonly closing: boolean;
  /** The producer's region, '' while it is looked up: stream ARNs must be in it. */
  readonly region: string;
  /**
   * A journaled record, to be sent; `first` when the journal was empty before it. `source`
   * holds its values for the length of the call only (the object is shared): a record not
   * written by the time the call returns gets its own copy.
   */
  admitted(id: number, e: PendingRecord | PutRecord, first: boolean, source: CheckedRecord): void;
}

const NO_DATA = new Uint8Array(0);

export class RecordIntake {
  private nextId = 1;
  /**
   * The values of the record being admitted, handed to the encoder: one object reused for every
   * record rather than one per record kept until its result, as most records are written at once.
   */
  private readonly sending: CheckedRecord = {
    streamName: '',
    partitionKey: '',
    data: NO_DATA,
    explicitHashKey: undefined,
  };

  constructor(
    private readonly journal: Journal,
    private readonly outcomes: PutOutcomes,
    private readonly maxUserRecordSize: number,
    /** The streamArns option: names sent as these ARNs. */
    private readonly streamArns: ReadonlyMap<string, string> | undefined,
    private readonly owner: IntakeOwner,
  ) {
    this.toOutcomes = putRecordsTo(outcomes);
  }

  /** Records of put() and putMany(), their results to the producer's listeners. */
  private readonly toOutcomes: PutRecordClass;
  /** The class for each other sink (a writable stream), made once and kept while the sink lives. */
  private readonly sinkClasses = new WeakMap<PutResultSink, PutRecordClass>();
  /** The other sink used last and its class: a stream's records come many in a row. */
  private lastSink: PutResultSink | undefined;
  private lastClass: PutRecordClass | undefined;

  private putRecordClass(sink: PutResultSink): PutRecordClass {
    if (sink === this.outcomes) return this.toOutcomes;
    if (sink !== this.lastSink) {
      let c = this.sinkClasses.get(sink);
      if (c === undefined) {
        c = putRecordsTo(sink);
        this.sinkClasses.set(sink, c);
      }
      this.lastSink = sink;
      this.lastClass = c;
    }
    return this.lastClass!;
  }

  /** The stream as sent: the name or ARN given, trimmed and checked, or the ARN it maps to. */
  streamOf(streamName: unknown): string {
    const stream = checkedStreamName(streamName, this.owner.region);
    return this.streamArns?.get(stream) ?? stream;
  }

  /**
   * Takes one record or throws at once (validation, BufferFullError, a stopped producer).
   * `quiet`: taken with no promise, by put() (its result goes to the put listeners) or by a
   * writable stream (to `results`).
   */
  take(
    streamName: unknown,
    partitionKey: unknown,
    data: unknown,
    explicitHashKey: unknown,
    given: UserRecord | undefined,
    quiet: boolean,
    results: PutResultSink = this.outcomes,
  ): Promise<UserRecordResult> | undefined {
    if (this.owner.failure || this.owner.closing) {
      this.refuseClosed(given ?? asRecord(streamName, partitionKey, data, explicitHashKey));
    }
    const stream = this.streamOf(streamName);
    const key = checkedPartitionKey(partitionKey);
    const bytes = checkedData(data, this.maxUserRecordSize);
    const ehk = checkedExplicitHashKey(explicitHashKey);
    const full = this.journal.full();
    if (full) this.refuseFull(given ?? asRecord(streamName, partitionKey, data, explicitHashKey));
    const size = bytes.byteLength + key.length;
    if (quiet) {
      const Put = this.putRecordClass(results);
      this.admit(new Put(size), stream, key, bytes, ehk);
      return undefined;
    }
    // Values that went through unchanged need no record object until an error asks for one (it
    // is then read back from the record's frame); only a record whose values were changed on the
    // way in (data given as a string, a stream name trimmed or mapped to an ARN) keeps what the
    // caller gave, to report that.
    const exact = stream === streamName && bytes === data && ehk === explicitHashKey;
    const e = new PendingRecord(
      size,
      exact ? undefined : (given ?? asRecord(streamName, partitionKey, data, explicitHashKey)),
    );
    const promise = PendingRecord.takePromise();
    this.admit(e, stream, key, bytes, ehk);
    return promise;
  }

  /** putMany(): how many of `records` were taken, from the first, before the producer was full. */
  takeMany(streamName: unknown, records: readonly PutEntry[]): number {
    if (!Array.isArray(records)) {
      throw new ValidationError('records', records, `an array of ${ENTRY_SHAPE} is required`);
    }
    if (this.owner.failure || this.owner.closing) {
      const r = records[0];
      this.refuseClosed(asRecord(streamName, r?.partitionKey, r?.data, r?.explicitHashKey));
    }
    const stream = this.streamOf(streamName);
    const max = this.maxUserRecordSize;
    for (let i = 0; i < records.length; i++) {
      if (this.journal.full()) return i;
      const r = records[i];
      if (typeof r !== 'object' || r === null) {
        throw new ValidationError(`records[${i}]`, r, `an object ${ENTRY_SHAPE} is required`);
      }
      let key: string;
      let bytes: Uint8Array;
      let ehk: string | undefined;
      try {
        key = checkedPartitionKey(r.partitionKey);
        bytes = checkedData(r.data, max);
        ehk = checkedExplicitHashKey(r.explicitHashKey);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new ValidationError(`records[${i}].${err.field}`, err.value, err.allowed);
      }
      this.admit(new this.toOutcomes(bytes.byteLength + key.length), stream, key, bytes, ehk);
    }
    return records.length;
  }

  private refuseClosed(record: UserRecord): never {
    if (this.owner.failure) throw withRecord(this.owner.failure, record);
    throw new ProducerClosedError(record);
  }

  private refuseFull(record: UserRecord): never {
    const full = this.journal.full() ?? 'maxOutstandingRecords';
    throw new BufferFullError(this.journal.countedRecords, this.journal.countedBytes, full, record);
  }

  private admit(
    e: PendingRecord | PutRecord,
    streamName: string,
    partitionKey: string,
    data: Uint8Array,
    explicitHashKey: string | undefined,
  ): void {
    const id = this.nextId++;
    // No time given: the journal reads the clock once for the turn's records, after they were taken.
    this.journal.add(id, e);
    const s = this.sending;
    s.streamName = streamName;
    s.partitionKey = partitionKey;
    s.data = data;
    s.explicitHashKey = explicitHashKey;
    try {
      this.owner.admitted(id, e, this.journal.size === 1, s);
    } finally {
      // Not written (no daemon to take it now, or the call threw): it waits with its values.
      if (e.frame === undefined) e.source = { streamName, partitionKey, data, explicitHashKey };
      s.partitionKey = '';
      s.data = NO_DATA;
      s.explicitHashKey = undefined;
    }
  }
}

/** The record as the caller passed it in arguments, for an error that must carry it. */
export function asRecord(
  streamName: unknown,
  partitionKey: unknown,
  data: unknown,
  explicitHashKey: unknown,
): UserRecord {
  return { streamName, partitionKey, data, explicitHashKey } as UserRecord;
}
