// The benchmark's client for this project: a KinesisProducer (wrapper + daemon) with aggregation
// on, driven through addUserRecord, put/putMany, or a Writable.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  type UserRecordResult,
} from '../../packages/kinesis-producer/dist/index.js';
import { producerInternals } from '../../packages/kinesis-producer/dist/test-hook.js';
import { type BenchClient, type BenchRecord, CREDENTIALS, REGION } from './bench-client.js';
import type { Workload } from './workload.js';

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

  async burst(work: Workload, n: number, flushFirst = false): Promise<void> {
    if (this.ff) {
      for (let i = 0; i < n; i++) this.add(work.key(), work.data());
      await this.drain();
      return;
    }
    const results = new Array<Promise<UserRecordResult>>(n);
    for (let i = 0; i < n; i++) {
      results[i] = this.producer.addUserRecord(this.stream, work.key(), work.data());
    }
    if (flushFirst) this.producer.flush();
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
