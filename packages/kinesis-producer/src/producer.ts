// KinesisProducer: the API users hold. It validates, keeps every record in a journal until its
// result arrives, and hands records to a daemon that a supervisor keeps running. When a daemon
// dies, the records it had not answered go to the next one (or fail, if so configured).
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  CredentialsPusher,
  checkStreamArnRegions,
  type KinesisProducerOptions,
  type Logger,
  loadPropertiesFile,
  resolveOptions,
  type WrapperSettings,
  withRegion,
} from '@kinesis-producer/options';
import {
  flushMessage,
  type GroupedResultsFields,
  type PutRecordResultFields,
  type PutRecordResultsFields,
} from '@kinesis-producer/protocol';
import { type AbortOptions, checkedSignal, raceAbort } from './abort.js';
import { CrashIsolation } from './crash-isolation.js';
import {
  type DaemonExitedError,
  type KinesisProducerError,
  PoisonRecordError,
  ProducerClosedError,
  ProducerDestroyedError,
  UserRecordTimeoutError,
  ValidationError,
  withRecord,
} from './errors.js';
import { type Entry, Journal } from './journal.js';
import { type KinesisProducerEvents, LifecycleEvents } from './lifecycle-events.js';
import { leveled, quietLogger } from './logging.js';
import {
  type Metric,
  MetricsClient,
  type MetricsObserverOptions,
  type MetricsSnapshot,
} from './metrics-client.js';
import { OwnMetrics } from './own-metrics.js';
import { type PutFailureListener, PutOutcomes, type PutSuccessListener } from './put-outcomes.js';
import { asRecord, RecordIntake } from './record-intake.js';
import { existingSchemaRecords, schemaRecordsOf } from './schema-registry/schema-records.js';
import { settleGrouped, settleResult, settleResults } from './settle-results.js';
import { validatedStreamMetadata } from './stream-metadata.js';
import { Supervisor } from './supervisor.js';
import { internalsOf, internalsView, type ProducerInternals } from './test-hook.js';
import { type ThrottleWatch, watchThrottling } from './throttle-watch.js';
import type { PutEntry, UserRecord, UserRecordResult } from './types.js';
import { ProducerWritable, type ProducerWritableOptions, type RecordSink } from './writable.js';

const FLUSH_SYNC_REPEAT_MS = 100;

/**
 * Also an EventEmitter of lifecycle events (docs/events.md): daemonExit, daemonRestart,
 * recordsResubmitted, credentialsError, throttling, throttlingEnded.
 */
export class KinesisProducer extends EventEmitter<KinesisProducerEvents> {
  private readonly settings: WrapperSettings;
  private readonly supervisor: Supervisor;
  private readonly credentials: CredentialsPusher;
  private readonly journal: Journal;
  private readonly isolation: CrashIsolation;
  private readonly logger: Logger;
  private readonly metrics: MetricsClient;
  private readonly events: LifecycleEvents;
  private readonly ownMetrics = new OwnMetrics();
  private readonly throttleWatch: ThrottleWatch;
  /** Where the results of put() and putMany() records go. */
  private readonly outcomes = new PutOutcomes();
  private readonly intake: RecordIntake;
  private failure: KinesisProducerError | undefined;
  private destroyed = false;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  private markExited!: () => void;
  /** False from a daemon's crash until the next one is up: records added meanwhile wait here. */
  private daemonUp = true;
  /** Records sent again to a restarted daemon, over the producer's life. */
  private resubmitted = 0;
  /** Stream ARNs must be in this region; '' while the SDK's region chain is asked. */
  private region = '';

  constructor(options: KinesisProducerOptions = {}) {
    super();
    const { configuration, settings } = resolveOptions(options);
    // This wrapper reads batched and grouped results; a daemon that does not know grouped ones
    // answers in batches, and one that knows neither answers one by one.
    configuration.batchedResults = true;
    configuration.groupedResults = true;
    this.settings = settings;
    this.logger = leveled(settings.logger ?? quietLogger, settings.logLevel);
    this.events = new LifecycleEvents(this, this.logger);
    this.journal = new Journal(
      {
        maxRecords: settings.maxOutstandingRecords,
        maxBytes: settings.maxOutstandingBytes,
        timeoutMs: settings.userRecordTimeoutInMillis,
      },
      (_id, e) => this.timedOut(e),
      undefined,
      (id) => this.daemonUp && this.isolation.sent(id),
    );
    this.isolation = new CrashIsolation(this.journal, {
      send: (id, e) => this.supervisor.putRecord(id, e),
      flush: () => this.flush(),
      alive: () => this.metrics.request('UserRecordsPut'),
      poisoned: (_id, e, crashes, last) => {
        e.reject(new PoisonRecordError(crashes, e.record, last));
        if (this.journal.size === 0) this.updateBusy();
      },
      log: (level, m) => this.logger[level]?.(m),
    });
    this.metrics = new MetricsClient(
      (m) => this.supervisor.send(m),
      () => this.updateBusy(),
      this.logger,
      (name, window) => this.ownMetrics.metrics(name, window),
    );
    this.exited = new Promise((r) => {
      this.markExited = r;
    });
    // A promise while the SDK's region chain is asked; the channel holds frames until then.
    const withKnownRegion = withRegion(configuration);
    if (withKnownRegion instanceof Promise) {
      void withKnownRegion.then((c) => {
        this.region = c.region;
      });
    } else this.region = withKnownRegion.region;
    // Otherwise the daemon refuses their records once it knows the region.
    if (settings.streamArns?.size && this.region) {
      checkStreamArnRegions(settings.streamArns, this.region);
    }
    const producer = this;
    this.intake = new RecordIntake(
      this.journal,
      this.outcomes,
      settings.maxUserRecordSize,
      settings.streamArns?.size ? settings.streamArns : undefined,
      {
        get failure() {
          return producer.failure;
        },
        get closing() {
          return producer.closing !== undefined;
        },
        get region() {
          return producer.region;
        },
        admitted: (id, e, first, source) => {
          if (first) this.updateBusy();
          // While a record that crashes daemons is looked for, new records wait in the journal.
          if (!this.isolation.isolating) this.supervisor.putRecord(id, e, source);
        },
      },
    );
    this.supervisor = new Supervisor(
      {
        configuration: withKnownRegion,
        executable: settings.nativeExecutable,
        restart: {
          maxRestarts: settings.daemonMaxRestarts,
          windowMs: settings.daemonRestartWindowMs,
          base: settings.daemonRestartBackoffBase,
          max: settings.daemonRestartBackoffMax,
        },
        healthCheckTimeoutMs: settings.enableDaemonHealthCheck
          ? settings.daemonHealthCheckTimeoutMs
          : undefined,
        frames: this.journal.frames,
      },
      {
        result: (id, r) => this.onResult(id, r),
        results: (b) => this.onResults(b),
        grouped: (g, from, to) => this.onGrouped(g, from, to),
        message: (m) => this.metrics.onMessage(m),
        restarted: () => this.resubmit(),
        crashed: (err) => this.onCrash(err),
        ended: (error, reason, restartInMs) =>
          this.events.publish('daemonExit', {
            error,
            reason,
            restartInMs,
            restartsInWindow: this.supervisor.restartsInWindow,
          }),
        stopped: (err, requested) => this.onStopped(err, requested),
      },
      this.logger,
    );
    this.credentials = new CredentialsPusher(
      settings.credentials,
      settings.metricsCredentials,
      settings.credentialsRefreshDelay,
      (m) => this.supervisor.send(m),
      this.logger,
      (error, forMetrics, failingForMs) =>
        this.events.publish('credentialsError', { error, forMetrics, failingForMs }),
    );
    this.credentials.start();
    this.throttleWatch = watchThrottling(this.events, (window) =>
      this.metrics.request('ErrorsByCode', window),
    );
  }

  /**
   * A producer configured by a KPL .properties file (RecordTtl = 30000, ...), with `overrides`
   * (credentials, logger, anything) taking precedence over the file's values.
   */
  static async fromPropertiesFile(
    path: string,
    overrides: KinesisProducerOptions = {},
  ): Promise<KinesisProducer> {
    const warn = overrides.logger?.warn?.bind(overrides.logger);
    const fromFile = await loadPropertiesFile(path, { onWarning: warn });
    const options: Record<string, unknown> = { ...fromFile };
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) options[k] = v;
    return new KinesisProducer(options);
  }

  /** Tells Kinesis the stream's id (sent as StreamId from now on), as the KPL's setStreamId. */
  setStreamId(streamName: string, streamId: string): void {
    if (this.failure) throw this.failure;
    this.supervisor.send(validatedStreamMetadata(this.intake.streamOf(streamName), streamId));
  }

  /**
   * Sends one record; the promise settles with its result once Kinesis has it (or it failed).
   * The producer keeps a reference to `data` until then, to send it again should the daemon die:
   * do not modify a Buffer after handing it over, as with a stream's write().
   */
  addUserRecord(record: UserRecord): Promise<UserRecordResult>;
  addUserRecord(
    streamName: string,
    partitionKey: string,
    data: Uint8Array | string,
    explicitHashKey?: string,
  ): Promise<UserRecordResult>;
  addUserRecord(
    a: UserRecord | string,
    partitionKey?: string,
    data?: Uint8Array | string,
    explicitHashKey?: string,
  ): Promise<UserRecordResult> {
    if (typeof a === 'object' && a !== null) {
      // Records with a schema get their GSR bytes first, then come back here without the schema.
      if (a.schema != null) return schemaRecordsOf(this, this.settings).add(a);
      return this.settle(a.streamName, a.partitionKey, a.data, a.explicitHashKey, a);
    }
    return this.settle(a, partitionKey, data, explicitHashKey, undefined);
  }

  /** put(), with every refusal as a rejected promise; a refused argument carries the record. */
  private settle(
    streamName: unknown,
    partitionKey: unknown,
    data: unknown,
    explicitHashKey: unknown,
    given: UserRecord | undefined,
  ): Promise<UserRecordResult> {
    try {
      return this.intake.take(streamName, partitionKey, data, explicitHashKey, given, false)!;
    } catch (err) {
      const e =
        err instanceof ValidationError
          ? withRecord(err, given ?? asRecord(streamName, partitionKey, data, explicitHashKey))
          : err;
      return Promise.reject(e);
    }
  }

  /** Takes the record or throws at once (validation, BufferFullError, a stopped producer). */
  private add(record: UserRecord): Promise<UserRecordResult> {
    const { streamName, partitionKey, data, explicitHashKey } = record;
    return this.intake.take(streamName, partitionKey, data, explicitHashKey, record, false)!;
  }

  /**
   * Takes one record without a promise: for loops that add many records and only need to know
   * about failures (docs/fire-and-forget.md). Throws at once as addUserRecord rejects (a
   * ValidationError, BufferFullError, a stopped producer). A record that fails later goes to the
   * onPutFailure listeners with its result; with none registered, flushSync() and close() reject.
   * As with addUserRecord, do not modify `data` after handing it over.
   */
  put(
    streamName: string,
    partitionKey: string,
    data: Uint8Array | string,
    explicitHashKey?: string,
  ): void {
    this.intake.take(streamName, partitionKey, data, explicitHashKey, undefined, true);
  }

  /**
   * put() for many records of one stream. Returns how many were taken, from the first: all of
   * them, or fewer when the producer became full (await waitForCapacity(), then put the rest).
   * A record that is not valid throws a ValidationError naming it (`records[i].partitionKey`);
   * the records before it were taken.
   */
  putMany(streamName: string, records: readonly PutEntry[]): number {
    return this.intake.takeMany(streamName, records);
  }

  /**
   * Calls `listener` with every record taken by put() or putMany() that fails: the error says
   * why and carries `userRecord` and, when Kinesis answered, the full `result`. Returns a function
   * that removes it.
   */
  onPutFailure(listener: PutFailureListener): () => void {
    if (typeof listener !== 'function') {
      throw new ValidationError('listener', listener, 'a function is required');
    }
    return this.outcomes.onFailure(listener);
  }

  /**
   * Calls `listener` with each record taken by put() or putMany() that Kinesis took, and its
   * result. Optional: without such a listener successes cost nothing more than their settling.
   */
  onPutSuccess(listener: PutSuccessListener): () => void {
    if (typeof listener !== 'function') {
      throw new ValidationError('listener', listener, 'a function is required');
    }
    return this.outcomes.onSuccess(listener);
  }

  /**
   * A Node Writable (object mode) that adds each chunk to `streamName`: `{ partitionKey, data,
   * explicitHashKey? }` objects, or Buffers and strings with the `partitionKey` option. It takes
   * chunks while the producer has room and holds up to highWaterMark more while it is full;
   * 'finish' comes once every record written has its result. A failed record is emitted as
   * 'recordFailed' (the error carries `.userRecord`); with no listener for that event the first
   * failure destroys the stream instead, so none goes unseen.
   */
  writable(streamName: string, options: ProducerWritableOptions = {}): ProducerWritable {
    this.intake.streamOf(streamName);
    const sink: RecordSink = {
      put: (partitionKey, data, explicitHashKey, results) => {
        this.intake.take(streamName, partitionKey, data, explicitHashKey, undefined, true, results);
      },
      waitForCapacity: () => this.waitForCapacity(),
      flush: (s: string) => this.flush(s),
    };
    return new ProducerWritable(sink, streamName, options);
  }

  /** Starts sending what is buffered for a stream (or all), without waiting. */
  flush(streamName?: string): void {
    if (this.failure) throw this.failure;
    // Named as records are (trimmed), so it reaches their pipeline; '' still means every stream.
    const stream = streamName ? this.intake.streamOf(streamName) : streamName;
    this.supervisor.send(flushMessage(stream));
  }

  /**
   * Resolves once every record added so far has its result (or the producer stopped). Rejects
   * with UnhandledPutFailuresError when records taken by put() failed with no onPutFailure
   * listener since the last flushSync(). With `signal`, rejects with its reason when it aborts
   * first; the records go on as if it had not been called, and a later flushSync() waits for
   * them again.
   */
  async flushSync(options?: AbortOptions): Promise<void> {
    const signal = checkedSignal('flushSync', options);
    signal?.throwIfAborted();
    await this.settled(signal);
    const unhandled = this.outcomes.takeUnhandled();
    if (unhandled) throw unhandled;
  }

  private async settled(signal?: AbortSignal): Promise<void> {
    // Records waiting for their schema version are not in the journal yet. Awaited even when
    // there are none: a record added in this same turn reaches the daemon before the flush.
    await raceAbort(existingSchemaRecords(this)?.idle() ?? Promise.resolve(), signal);
    while (this.journal.size > 0 && !this.failure) {
      this.flush();
      let timer: NodeJS.Timeout | undefined;
      const repeat = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FLUSH_SYNC_REPEAT_MS);
      });
      try {
        await raceAbort(Promise.race([this.journal.waitForIdle(), repeat]), signal);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /**
   * Resolves as soon as a record can be added without a BufferFullError: at once while there is
   * room. Awaiting it before each add replaces the KPL's advice to sleep while the outstanding
   * count is high. It also resolves when the producer stops (the add then says why). With
   * `signal`, rejects with its reason when it aborts first (at once if it already has).
   */
  waitForCapacity(options?: AbortOptions): Promise<void> {
    const signal = checkedSignal('waitForCapacity', options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.failure || this.closing) return Promise.resolve();
    return this.journal.waitForCapacity(signal);
  }

  getOutstandingRecordsCount(): number {
    return this.journal.size;
  }

  /** Age in milliseconds of the oldest record without a result, or 0. */
  getOldestRecordTimeInMillis(): number {
    const createdAt = this.journal.oldestCreatedAt();
    return createdAt === undefined ? 0 : Math.max(0, Math.floor(performance.now() - createdAt));
  }

  /**
   * The daemon's metrics (the KPL's catalogue), every dimension level of them: `name` selects
   * one metric, `windowSeconds` (1 to 60) gives the last N seconds instead of the totals since
   * the metric was first recorded. Unlike the KPL, a window never depends on the upload schedule.
   * A daemon that was restarted starts its figures afresh.
   */
  getMetrics(windowSeconds?: number): Promise<Metric[]>;
  getMetrics(name?: string, windowSeconds?: number): Promise<Metric[]>;
  getMetrics(a?: string | number, windowSeconds?: number): Promise<Metric[]> {
    if (this.failure) return Promise.reject(this.failure);
    return typeof a === 'number'
      ? this.metrics.request(undefined, a)
      : this.metrics.request(a, windowSeconds);
  }

  /**
   * Metric snapshots every `intervalMs` (default 10 s) for your own monitoring; ends when the
   * producer stops or `signal` aborts. It does not keep the process alive.
   */
  metricsSnapshots(options?: MetricsObserverOptions): AsyncGenerator<MetricsSnapshot> {
    return this.metrics.snapshots(options);
  }

  /** Calls `listener` with a snapshot every `intervalMs`; returns a function that stops it. */
  onMetrics(listener: (s: MetricsSnapshot) => void, options?: MetricsObserverOptions): () => void {
    return this.metrics.subscribe(listener, options);
  }

  /**
   * Stops taking records (adds from now on reject with ProducerClosedError), waits until every
   * record has its result, then stops the daemon. Calling it again without a signal returns the
   * same promise. Rejects, once stopped, with UnhandledPutFailuresError as flushSync() does.
   *
   * `signal` bounds the wait, for a deadline such as a container's grace period
   * (`AbortSignal.timeout(ms)`): when it aborts first, the producer is destroyed (the records
   * still without a result reject with ProducerDestroyedError, the daemon is stopped at once) and
   * close() rejects with the signal's reason once the daemon is gone.
   */
  close(options?: AbortOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = checkedSignal('close', options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!signal?.aborted) this.closing ??= this.shutDown();
    if (!signal) return this.closing!;
    return raceAbort(this.closing ?? Promise.resolve(), signal).catch(async (error: unknown) => {
      if (signal.aborted && error === signal.reason) await this.destroy();
      throw error;
    });
  }

  /** Stops at once, as the KPL does: records without a result reject with ProducerDestroyedError. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    existingSchemaRecords(this)?.close();
    this.credentials.stop();
    this.failure ??= new ProducerDestroyedError();
    this.supervisor.kill();
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Not public API: tests read this through test-hook.ts. */
  [internalsOf](): ProducerInternals {
    return internalsView(this.supervisor, () => this.resubmitted);
  }

  private async shutDown(): Promise<void> {
    await this.settled();
    existingSchemaRecords(this)?.close();
    this.credentials.stop();
    this.supervisor.end();
    await this.exited;
    // Stopped either way; the caller still learns of put() failures nobody heard.
    const unhandled = this.outcomes.takeUnhandled();
    if (unhandled) throw unhandled;
  }

  private updateBusy(): void {
    this.supervisor.setBusy(this.journal.size > 0 || this.metrics.busy);
  }

  private onResult(id: number, r: PutRecordResultFields): void {
    settleResult(this.journal, id, r);
    this.afterSettle();
  }

  private onResults(b: PutRecordResultsFields): void {
    settleResults(this.journal, b);
    this.afterSettle();
  }

  private onGrouped(g: GroupedResultsFields, from: number, to: number): void {
    settleGrouped(this.journal, g, from, to);
    this.afterSettle();
  }

  private timedOut(e: Entry): void {
    e.reject(new UserRecordTimeoutError(this.settings.userRecordTimeoutInMillis, e.record));
    this.afterSettle();
  }

  /** Records left the journal: an isolation may move on, and an empty journal lets go. */
  private afterSettle(): void {
    if (this.isolation.isolating) this.isolation.settled();
    if (this.journal.size === 0) this.updateBusy();
  }

  /**
   * A new daemon is up: everything without a result goes to it, in the order it was added, or,
   * after repeated crashes, a few at a time (crash-isolation.ts).
   */
  private resubmit(): void {
    this.ownMetrics.restarted();
    this.events.publish('daemonRestart', {
      pid: this.supervisor.pid,
      restarts: this.supervisor.restartsSoFar,
      restartsInWindow: this.supervisor.restartsInWindow,
    });
    const n = this.journal.size;
    this.daemonUp = true;
    this.isolation.restarted();
    this.resubmitted += n;
    // While isolating, the isolation says what goes out, and when.
    if (n > 0 && !this.isolation.isolating) {
      this.logger.info?.(
        `kinesis-producer: sent ${n} records without a result to the new daemon again; some may arrive twice`,
      );
      this.events.publish('recordsResubmitted', { count: n });
    }
  }

  private onCrash(err: DaemonExitedError): void {
    // Records that timed out in the wrapper counted while the daemon held them; it no longer does.
    this.journal.forgetTimedOut();
    this.daemonUp = false;
    if (this.settings.resubmitOnDaemonExit) {
      this.isolation.crashed(err);
      return;
    }
    // The KPL's way: what the dead daemon held fails; the new daemon starts empty.
    for (const [, e] of this.journal.takeAll()) e.reject(withRecord(err, e.record));
    this.updateBusy();
  }

  private onStopped(err: DaemonExitedError, requested: boolean): void {
    this.credentials.stop();
    this.throttleWatch.stop();
    const cause: KinesisProducerError = this.destroyed
      ? new ProducerDestroyedError()
      : requested
        ? (this.failure ?? new ProducerClosedError())
        : err;
    this.failure ??= cause;
    this.metrics.fail(cause);
    for (const [, e] of this.journal.takeAll()) e.reject(withRecord(cause, e.record));
    this.journal.release();
    this.markExited();
  }
}
