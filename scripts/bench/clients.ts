// The three ways of sending records that the benchmark compares, behind one small interface:
// - producer: this project's KinesisProducer (wrapper + daemon), aggregation on;
// - agg: what a Node user writes today: aws-kinesis-agg's RecordAggregator building aggregates of
//   up to 51,200 B (the KPL's default), sent in-process with the SDK's PutRecords;
// - sdk: the SDK's PutRecords with one Kinesis record per user record.
// Both baselines batch up to 500 entries or 5 MiB per call, keep up to 24 calls in flight (the
// producer's default maxConnections), and flush what they hold every 100 ms (its default
// recordMaxBufferedTime).
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  type UserRecordResult,
} from '../../packages/kinesis-producer/dist/index.js';
import { producerInternals } from '../../packages/kinesis-producer/dist/test-hook.js';
import type { Workload } from './workload.js';

export type ClientKind = 'producer' | 'agg' | 'sdk';

/** A record as a generator hands it to a stream pipeline. */
export interface BenchRecord {
  partitionKey: string;
  data: Buffer;
}

export const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
export const REGION = 'us-east-1';

export interface BenchClient {
  /** Results received: successful user records and failed ones. */
  ok: number;
  failed: number;
  /** Entries the service refused as throttled (each one is sent again). */
  throttledEntries: number;
  /** Entries sent to the service (Kinesis records), retries included. */
  sentEntries: number;
  /** Pid of a helper process doing the work, when there is one. */
  readonly helperPid?: number;
  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void;
  /** Several records in one call, where the client has a batch form; else one add each. */
  addMany(records: BenchRecord[]): Promise<void>;
  /** `n` records added in one synchronous loop, then awaited, as applications write a burst. */
  burst(work: Workload, n: number): Promise<void>;
  /** `pipeline(Readable.from(records), <the client's Writable>)`. */
  pipe(records: Iterable<BenchRecord>): Promise<void>;
  /** True when `n` more records can be added without overrunning the client's buffers. */
  hasRoom(n: number): boolean;
  /** Resolves when `n` more records can be added. */
  room(n: number): Promise<void>;
  /** Resolves when every record added so far has its result. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

const stderrLogger = {
  warn: (m: string) => process.stderr.write(`${m}\n`),
  error: (m: string) => process.stderr.write(`${m}\n`),
  info: process.env.BENCH_DEBUG ? (m: string) => process.stderr.write(`${m}\n`) : undefined,
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ProducerClient implements BenchClient {
  failed = 0;
  throttledEntries = 0;
  sentEntries = 0;
  /** Records whose promise resolved. */
  private resolved = 0;
  readonly producer: KinesisProducer;
  private readonly window: number;
  /** Records go through put() and putMany(): no promise per record. */
  private readonly ff: boolean;
  /** Records given to put() and putMany(). */
  private ffAdded = 0;
  private readonly onOk = () => {
    this.resolved++;
  };
  private readonly onFail = () => {
    this.failed++;
  };

  constructor(
    endpoint: string,
    private readonly stream: string,
    recordSize: number,
    options: KinesisProducerOptions = {},
    fireAndForget = false,
  ) {
    this.producer = new KinesisProducer({
      region: REGION,
      kinesisEndpoint: endpoint,
      credentials: CREDENTIALS,
      metricsLevel: 'none',
      logger: stderrLogger,
      ...options,
    });
    const maxRecords = options.maxOutstandingRecords ?? 100_000;
    const maxBytes = options.maxOutstandingBytes ?? 268_435_456;
    this.window = Math.min(maxRecords, Math.floor(maxBytes / (recordSize + 16)));
    this.ff = fireAndForget;
    // A failure listener, as an application registers one (without, flushSync() would reject).
    if (fireAndForget) this.producer.onPutFailure(this.onFail);
  }

  /**
   * Fire-and-forget successes are not reported one by one (no success listener, as most
   * applications): a record given to put() that has left the journal without failing succeeded.
   */
  get ok(): number {
    if (!this.ff) return this.resolved;
    return this.ffAdded - this.producer.getOutstandingRecordsCount() - this.failed;
  }

  get helperPid(): number | undefined {
    return producerInternals(this.producer).daemonPid;
  }

  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void {
    if (this.ff) {
      this.ffAdded++;
      this.producer.put(this.stream, key, data);
      return;
    }
    const p = this.producer.addUserRecord(this.stream, key, data);
    if (onDone) {
      p.then(
        () => {
          this.resolved++;
          onDone(true);
        },
        () => {
          this.failed++;
          onDone(false);
        },
      );
    } else p.then(this.onOk, this.onFail);
  }

  async addMany(records: BenchRecord[]): Promise<void> {
    if (!this.ff) {
      for (const r of records) this.add(r.partitionKey, r.data);
      return;
    }
    this.ffAdded += records.length;
    let taken = this.producer.putMany(this.stream, records);
    while (taken < records.length) {
      await this.producer.waitForCapacity();
      taken += this.producer.putMany(this.stream, records.slice(taken));
    }
  }

  async burst(work: Workload, n: number): Promise<void> {
    if (this.ff) {
      for (let i = 0; i < n; i++) this.add(work.key(), work.data());
      await this.drain();
      return;
    }
    const results = new Array<Promise<UserRecordResult>>(n);
    for (let i = 0; i < n; i++) {
      results[i] = this.producer.addUserRecord(this.stream, work.key(), work.data());
    }
    try {
      await Promise.all(results);
      this.resolved += n;
    } catch {
      for (const r of await Promise.allSettled(results)) {
        if (r.status === 'fulfilled') this.resolved++;
        else this.failed++;
      }
    }
  }

  async pipe(records: Iterable<BenchRecord>): Promise<void> {
    const w = this.producer.writable(this.stream);
    // A failure destroys the stream (no 'recordFailed' listener), so the run stops and says why.
    await pipeline(Readable.from(records), w);
    this.resolved += w.succeeded;
    this.failed += w.failed;
  }

  hasRoom(n: number): boolean {
    return this.producer.getOutstandingRecordsCount() + n <= this.window;
  }

  async room(n: number): Promise<void> {
    while (!this.hasRoom(n)) {
      await this.producer.waitForCapacity();
      if (!this.hasRoom(n)) await sleep(1);
    }
  }

  drain(): Promise<void> {
    return this.producer.flushSync();
  }

  close(): Promise<void> {
    return closeProducer(this.producer);
  }
}

/**
 * close() waits for the daemon to exit, but the wrapper unrefs the daemon's handles while nothing
 * is outstanding, so with nothing else pending the event loop would end first (exit code 13
 * under top-level await). A timer keeps it alive meanwhile.
 */
export async function closeProducer(producer: KinesisProducer): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  try {
    await producer.close();
  } finally {
    clearInterval(keepAlive);
  }
}

interface AggLib {
  RecordAggregator: new () => {
    totalBytes: number;
    length(): number;
    calculateUserRecordSize(r: { partitionKey: string; data: Buffer }): number;
    addUserRecord(r: { partitionKey: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string } | undefined;
  };
}

const AGGREGATE_MAX_BYTES = 51_200;
const BATCH_MAX_ENTRIES = 500;
const BATCH_MAX_BYTES = 5 * 1024 * 1024;
const CONCURRENCY = 24;
const BUFFER_MS = 100;
const THROTTLED = 'ProvisionedThroughputExceededException';
/** Throttled entries wait this long before they go out again, as careful user code does. */
const RETRY_DELAY_MS = 100;

interface Entry {
  request: PutRecordsRequestEntry;
  /** User records inside, with their callbacks when the caller wants one. */
  count: number;
  callbacks?: ((ok: boolean) => void)[];
  bytes: number;
}

/** What both baselines share: batching entries into PutRecords calls, a bounded number at once. */
abstract class SdkBaseline implements BenchClient {
  ok = 0;
  failed = 0;
  throttledEntries = 0;
  sentEntries = 0;
  readonly helperPid = undefined;
  protected readonly client: KinesisClient;
  private batch: Entry[] = [];
  private batchBytes = 0;
  private readonly queue: Entry[][] = [];
  private inflight = 0;
  private added = 0;
  private waiters: (() => void)[] = [];
  private toRetry: Entry[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    endpoint: string,
    protected readonly stream: string,
    /** Resend entries the service refused (throttled), as careful user code does. */
    private readonly retry: boolean,
  ) {
    this.client = new KinesisClient({
      region: REGION,
      endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
      }),
    });
    this.timer = setInterval(() => this.flushBuffers(), BUFFER_MS);
  }

  abstract add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void;
  protected abstract flushAggregate(): void;

  async addMany(records: BenchRecord[]): Promise<void> {
    for (const r of records) this.add(r.partitionKey, r.data);
  }

  async burst(work: Workload, n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.add(work.key(), work.data());
    await this.drain();
  }

  pipe(records: Iterable<BenchRecord>): Promise<void> {
    return pipeline(Readable.from(records), new BaselineWritable(this));
  }

  hasRoom(_n: number): boolean {
    return this.queue.length === 0 && this.inflight < CONCURRENCY;
  }

  async room(n: number): Promise<void> {
    while (!this.hasRoom(n)) await new Promise<void>((r) => this.waiters.push(r));
  }

  async drain(): Promise<void> {
    this.flushBuffers();
    while (this.ok + this.failed < this.added) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.client.destroy();
  }

  protected counted(n: number): void {
    this.added += n;
  }

  protected enqueue(e: Entry): void {
    if (
      this.batch.length >= BATCH_MAX_ENTRIES ||
      (this.batch.length > 0 && this.batchBytes + e.bytes > BATCH_MAX_BYTES)
    ) {
      this.sealBatch();
    }
    this.batch.push(e);
    this.batchBytes += e.bytes;
    if (this.batch.length >= BATCH_MAX_ENTRIES) this.sealBatch();
  }

  private flushBuffers(): void {
    this.flushAggregate();
    this.sealBatch();
  }

  private sealBatch(): void {
    if (this.batch.length === 0) return;
    this.queue.push(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    this.pump();
  }

  private pump(): void {
    while (this.inflight < CONCURRENCY && this.queue.length > 0) this.send(this.queue.shift()!);
    if (this.hasRoom(0)) this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private send(entries: Entry[]): void {
    this.inflight++;
    this.sentEntries += entries.length;
    const command = new PutRecordsCommand({
      StreamName: this.stream,
      Records: entries.map((e) => e.request),
    });
    this.client.send(command).then(
      (out) => {
        const results = out.Records ?? [];
        for (let i = 0; i < entries.length; i++) {
          const code = results[i]?.ErrorCode;
          if (code === undefined) this.settle(entries[i]!, true);
          else {
            if (code === THROTTLED) this.throttledEntries++;
            if (this.retry) this.retryLater(entries[i]!);
            else this.settle(entries[i]!, false);
          }
        }
        this.done();
      },
      () => {
        for (const e of entries) this.settle(e, false);
        this.done();
      },
    );
  }

  private retryLater(e: Entry): void {
    this.toRetry.push(e);
    if (this.toRetry.length === 1) {
      setTimeout(() => {
        const again = this.toRetry;
        this.toRetry = [];
        for (const x of again) this.enqueue(x);
      }, RETRY_DELAY_MS);
    }
  }

  private settle(e: Entry, ok: boolean): void {
    if (ok) this.ok += e.count;
    else this.failed += e.count;
    if (e.callbacks) for (const f of e.callbacks) f(ok);
  }

  private done(): void {
    this.inflight--;
    this.pump();
    this.wake();
  }
}

/**
 * What a user writes to pipe records into an in-process client: take each chunk, and hold the
 * next one back while every call is in flight; 'finish' once everything has its result.
 */
class BaselineWritable extends Writable {
  constructor(private readonly client: SdkBaseline) {
    super({ objectMode: true, highWaterMark: 16 });
  }

  override _write(r: BenchRecord, _e: BufferEncoding, done: (err?: Error | null) => void): void {
    this.client.add(r.partitionKey, r.data);
    if (this.client.hasRoom(1)) done();
    else void this.client.room(1).then(() => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.client.drain().then(() => done(), done);
  }
}

export class AggBaseline extends SdkBaseline {
  private readonly aggregator: InstanceType<AggLib['RecordAggregator']>;
  private callbacks: ((ok: boolean) => void)[] | undefined;

  constructor(endpoint: string, stream: string) {
    super(endpoint, stream, false);
    // Its typings import aws-sdk v2 and aws-lambda, which this project does not install.
    const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AggLib;
    this.aggregator = new agg.RecordAggregator();
  }

  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void {
    const record = { partitionKey: key, data };
    const size = this.aggregator.calculateUserRecordSize(record);
    if (this.aggregator.totalBytes + size > AGGREGATE_MAX_BYTES) this.flushAggregate();
    this.aggregator.addUserRecord(record);
    this.counted(1);
    if (onDone) (this.callbacks ??= []).push(onDone);
  }

  protected flushAggregate(): void {
    const count = this.aggregator.length();
    if (count === 0) return;
    const built = this.aggregator.build()!;
    const request: PutRecordsRequestEntry = {
      Data: built.data,
      PartitionKey: built.partitionKey,
      ExplicitHashKey: built.ExplicitHashKey,
    };
    const bytes = built.data.length + Buffer.byteLength(built.partitionKey);
    this.enqueue({ request, count, bytes, callbacks: this.callbacks });
    this.callbacks = undefined;
  }
}

export class SdkBaselinePlain extends SdkBaseline {
  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void {
    this.counted(1);
    this.enqueue({
      request: { Data: data, PartitionKey: key },
      count: 1,
      bytes: data.length + key.length,
      callbacks: onDone ? [onDone] : undefined,
    });
  }

  protected flushAggregate(): void {}
}

export function createClient(
  kind: ClientKind,
  endpoint: string,
  stream: string,
  recordSize: number,
  producerOptions?: KinesisProducerOptions,
  retryThrottled = false,
  fireAndForget = false,
): BenchClient {
  switch (kind) {
    case 'producer':
      return new ProducerClient(endpoint, stream, recordSize, producerOptions, fireAndForget);
    case 'agg':
      return new AggBaseline(endpoint, stream);
    case 'sdk':
      return new SdkBaselinePlain(endpoint, stream, retryThrottled);
  }
}
