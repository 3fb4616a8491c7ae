// The in-process baselines: aws-kinesis-agg's RecordAggregator with the SDK's PutRecords, and the
// SDK's PutRecords with one Kinesis record per user record. Both batch up to 500 entries or
// 5 MiB per call, keep up to 24 calls in flight (the producer's default maxConnections), and
// flush what they hold every 100 ms (its default recordMaxBufferedTime).
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
import { type BenchClient, type BenchRecord, CREDENTIALS, REGION } from './bench-client.js';
import type { Workload } from './workload.js';

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

/**
 * The agg client as an application wraps it when it wants each record's result, the way
 * `addUserRecord` hands one back: a promise per record, settled from the client's callback when
 * the PutRecords call holding the record answers.
 */
export class AggPromiseBaseline extends AggBaseline {
  addAsync(key: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      super.add(key, data, (ok) => (ok ? resolve() : reject(new Error('record failed'))));
    });
  }

  override add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void {
    this.addAsync(key, data).then(
      () => onDone?.(true),
      () => onDone?.(false),
    );
  }

  override async burst(work: Workload, n: number): Promise<void> {
    const results = new Array<Promise<void>>(n);
    for (let i = 0; i < n; i++) results[i] = this.addAsync(work.key(), work.data());
    // Failures are counted by the client; the burst only waits for every record.
    await Promise.all(results).catch(() => Promise.allSettled(results));
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
