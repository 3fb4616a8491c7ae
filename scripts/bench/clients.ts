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
import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  KinesisProducer,
  type KinesisProducerOptions,
} from '../../packages/kinesis-producer/dist/index.js';

export type ClientKind = 'producer' | 'agg' | 'sdk';

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
  ok = 0;
  failed = 0;
  throttledEntries = 0;
  sentEntries = 0;
  readonly producer: KinesisProducer;
  private readonly window: number;
  private readonly onOk = () => {
    this.ok++;
  };
  private readonly onFail = () => {
    this.failed++;
  };

  constructor(
    endpoint: string,
    private readonly stream: string,
    recordSize: number,
    options: KinesisProducerOptions = {},
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
  }

  get helperPid(): number | undefined {
    return (this.producer as unknown as { channel: { pid?: number } }).channel.pid;
  }

  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void {
    const p = this.producer.addUserRecord(this.stream, key, data);
    if (onDone) {
      p.then(
        () => {
          this.ok++;
          onDone(true);
        },
        () => {
          this.failed++;
          onDone(false);
        },
      );
    } else p.then(this.onOk, this.onFail);
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
): BenchClient {
  switch (kind) {
    case 'producer':
      return new ProducerClient(endpoint, stream, recordSize, producerOptions);
    case 'agg':
      return new AggBaseline(endpoint, stream);
    case 'sdk':
      return new SdkBaselinePlain(endpoint, stream, retryThrottled);
  }
}
