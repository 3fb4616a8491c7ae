// KinesisProducer: the API users hold. It validates, hands records to the daemon, and keeps
// one promise per record until the daemon answers or dies.
import { performance } from 'node:perf_hooks';
import { create } from '@bufbuild/protobuf';
import { MessageSchema, type PutRecordResultFields } from '@kinesis-producer/protocol';
import { CredentialsPusher } from './credentials.js';
import { DaemonChannel } from './daemon-channel.js';
import {
  BufferFullError,
  type KinesisProducerError,
  ProducerDestroyedError,
  UserRecordFailedError,
} from './errors.js';
import {
  type Metric,
  MetricsClient,
  type MetricsObserverOptions,
  type MetricsSnapshot,
} from './metrics.js';
import {
  type KinesisProducerOptions,
  type Logger,
  resolveOptions,
  type WrapperSettings,
} from './options.js';
import { loadPropertiesFile } from './properties.js';
import { withRegion } from './region.js';
import { streamMetadataMessage } from './stream-metadata.js';
import type { Attempt, UserRecord, UserRecordResult } from './types.js';
import { checkRecord } from './validate.js';

interface Pending {
  resolve(r: UserRecordResult): void;
  reject(e: Error): void;
  record: UserRecord;
  bytes: number;
  createdAt: number;
}

const FLUSH_SYNC_REPEAT_MS = 100;

export class KinesisProducer {
  private readonly settings: WrapperSettings;
  private readonly channel: DaemonChannel;
  private readonly credentials: CredentialsPusher;
  private readonly pending = new Map<number, Pending>();
  private readonly logger: Logger;
  private readonly metrics: MetricsClient;
  private nextId = 1;
  private outstandingBytes = 0;
  private failure: KinesisProducerError | undefined;
  private destroyed = false;
  private closing = false;
  private capacityWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private exited: Promise<void>;

  constructor(options: KinesisProducerOptions = {}) {
    const { configuration, settings } = resolveOptions(options);
    this.settings = settings;
    this.logger = settings.logger ?? quietLogger;
    this.metrics = new MetricsClient(
      (m) => this.channel.send(m),
      (busy) => this.channel.setBusy(busy || this.pending.size > 0),
      this.logger,
    );
    let markExited!: () => void;
    this.exited = new Promise((r) => (markExited = r));
    this.channel = new DaemonChannel(
      // A promise while the SDK's region chain is asked; the channel holds frames until then.
      withRegion(configuration),
      {
        result: (id, r) => this.onResult(id, r),
        message: (m) => this.metrics.onMessage(m),
        exit: (err) => {
          this.onExit(err);
          markExited();
        },
      },
      this.logger,
      settings.nativeExecutable,
    );
    this.channel.setBusy(false);
    this.credentials = new CredentialsPusher(
      settings.credentials,
      settings.metricsCredentials,
      settings.credentialsRefreshDelay,
      (m) => this.channel.send(m),
      this.logger,
    );
    this.credentials.start();
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
    this.channel.send(streamMetadataMessage(streamName, streamId));
  }

  /** Sends one record; the promise settles with its result once Kinesis has it (or it failed). */
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
    const record: UserRecord =
      typeof a === 'object' && a !== null
        ? a
        : {
            streamName: a,
            partitionKey: partitionKey as string,
            data: data as Uint8Array,
            explicitHashKey,
          };
    try {
      return this.add(record);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private add(record: UserRecord): Promise<UserRecordResult> {
    if (this.failure) throw this.failure;
    const r = checkRecord(record, this.settings.maxUserRecordSize);
    const s = this.settings;
    if (this.pending.size >= s.maxOutstandingRecords) {
      throw new BufferFullError(
        this.pending.size,
        this.outstandingBytes,
        'maxOutstandingRecords',
        record,
      );
    }
    const bytes = r.data.byteLength + r.partitionKey.length;
    if (this.outstandingBytes + bytes > s.maxOutstandingBytes && this.pending.size > 0) {
      throw new BufferFullError(
        this.pending.size,
        this.outstandingBytes,
        'maxOutstandingBytes',
        record,
      );
    }
    const id = this.nextId++;
    const promise = new Promise<UserRecordResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, record, bytes, createdAt: performance.now() });
    });
    this.outstandingBytes += bytes;
    if (this.pending.size === 1) this.channel.setBusy(true);
    this.channel.putRecord(id, r);
    return promise;
  }

  /** Starts sending what is buffered for a stream (or all), without waiting. */
  flush(streamName?: string): void {
    if (this.failure) throw this.failure;
    this.channel.send(
      create(MessageSchema, { id: 0n, actualMessage: { case: 'flush', value: { streamName } } }),
    );
  }

  /** Resolves once every record added so far has its result. */
  async flushSync(): Promise<void> {
    while (this.pending.size > 0 && !this.failure) {
      this.flush();
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, FLUSH_SYNC_REPEAT_MS);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.idleWaiters.push(done);
      });
    }
  }

  /** Resolves when a record can be added without a BufferFullError. */
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity() || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  getOutstandingRecordsCount(): number {
    return this.pending.size;
  }

  /** Age in milliseconds of the oldest record without a result, or 0. */
  getOldestRecordTimeInMillis(): number {
    for (const p of this.pending.values()) return Math.floor(performance.now() - p.createdAt);
    return 0;
  }

  /**
   * The daemon's metrics (the KPL's catalogue), every dimension level of them: `name` selects
   * one metric, `windowSeconds` (1 to 60) gives the last N seconds instead of the totals since
   * the metric was first recorded. Unlike the KPL, a window never depends on the upload schedule.
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

  /** Sends what is buffered, waits for every result, then stops the daemon. */
  async close(): Promise<void> {
    if (!this.failure) await this.flushSync();
    this.closing = true;
    this.credentials.stop();
    this.failure ??= new ProducerDestroyedError();
    this.channel.end();
    await this.exited;
  }

  /** Stops at once, as the KPL does: records without a result reject. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.credentials.stop();
    this.failure ??= new ProducerDestroyedError();
    this.channel.kill();
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private hasCapacity(): boolean {
    return (
      this.pending.size < this.settings.maxOutstandingRecords &&
      (this.outstandingBytes < this.settings.maxOutstandingBytes || this.pending.size === 0)
    );
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    this.outstandingBytes -= p.bytes;
    if (this.capacityWaiters.length > 0 && this.hasCapacity()) {
      const w = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const f of w) f();
    }
    if (this.pending.size === 0) {
      this.channel.setBusy(this.metrics.busy);
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
    return p;
  }

  private onResult(id: number, r: PutRecordResultFields): void {
    const p = this.settle(id);
    if (!p) {
      this.logger.warn?.(`kinesis-producer: a result for unknown record ${id} was ignored`);
      return;
    }
    const result: UserRecordResult = {
      successful: r.success,
      shardId: r.shardId,
      sequenceNumber: r.sequenceNumber,
      attempts: r.attempts.map(
        (a): Attempt => ({
          delay: a.delay,
          duration: a.duration,
          successful: a.success,
          errorCode: a.errorCode,
          errorMessage: a.errorMessage,
        }),
      ),
    };
    if (r.success) p.resolve(result);
    else p.reject(new UserRecordFailedError(result, p.record));
  }

  private onExit(err: KinesisProducerError): void {
    this.credentials.stop();
    const cause = this.destroyed ? new ProducerDestroyedError() : err;
    this.failure ??= cause;
    this.metrics.fail(cause);
    if (!this.destroyed && !this.closing) this.logger.error?.(`kinesis-producer: ${err.message}`);
    for (const [id, p] of this.pending) {
      this.settle(id);
      p.reject(withRecord(cause, p.record));
    }
    for (const f of this.capacityWaiters) f();
    this.capacityWaiters = [];
  }
}

function withRecord(err: KinesisProducerError, record: UserRecord): KinesisProducerError {
  // Each rejection carries its own record, so a caller can re-route exactly what failed.
  const e = Object.create(err) as KinesisProducerError & { userRecord?: UserRecord };
  Object.defineProperty(e, 'userRecord', { value: record, enumerable: true });
  return e;
}

const quietLogger: Logger = {
  warn: (m: string) => process.emitWarning(m),
  error: (m: string) => process.emitWarning(m),
};
