// One stream's path through the stages: shard map → aggregator → limiter → collector →
// credentials gate → PutRecords → retrier, built and read in that order.
import { RecordErrorCode } from '@kinesis-producer/protocol';
import { Aggregator } from './aggregator.js';
import { now } from './clock.js';
import { Collector } from './collector.js';
import type { DaemonConfig } from './config.js';
import { describeError } from './contained-error.js';
import { CredentialsGate } from './credentials-gate.js';
import type { KinesisRecord } from './kinesis-record.js';
import { Limiter } from './limiter.js';
import { log } from './log.js';
import type { StreamMetrics } from './metrics/stream-metrics.js';
import type { PutRecordsBatch } from './put-records-batch.js';
import type { PutRecordsClient, PutRecordsOutcome } from './put-records-client.js';
import { Retrier } from './retrier.js';
import { type ListShards, ShardMap } from './shard-map.js';
import type { UserRecord } from './user-record.js';

export class Pipeline {
  readonly shards: ShardMap;
  private readonly aggregator: Aggregator;
  private readonly limiter: Limiter;
  private readonly collector: Collector;
  private readonly gate: CredentialsGate;
  private readonly retrier: Retrier;
  private outstandingCount = 0;
  /** A flush came while the first shard map was loading: it happens once the map is there. */
  private flushAfterMap = false;
  /** The input has ended: whatever is buffered leaves at once instead of waiting for its deadline. */
  private draining = false;
  private kickScheduled = false;
  streamId: string | undefined;

  constructor(
    readonly stream: string,
    c: DaemonConfig,
    listShards: ListShards,
    private readonly client: PutRecordsClient,
    private readonly done: (ur: UserRecord) => void,
    private readonly metrics?: StreamMetrics,
    // Set here, not after construction, so the first ListShards already carries it.
    streamId?: string,
  ) {
    this.streamId = streamId;
    this.shards = new ShardMap(stream, listShards, () => this.streamId);
    // The stages in the order a record meets them. Each hands on to the next through a closure
    // read when a record passes, so a stage may name one built after it.
    this.aggregator = new Aggregator(
      {
        enabled: c.aggregationEnabled,
        mode: c.aggregationMode,
        maxCount: c.aggregationMaxCount,
        maxSize: c.aggregationMaxSize,
      },
      this.shards,
      (kr: KinesisRecord) => this.limiter.put(kr),
    );
    this.limiter = new Limiter(
      { rateLimit: c.rateLimit, adaptive: c.adaptiveRateLimit },
      (kr) => {
        this.collector.put(kr);
        if (this.draining) this.kick();
      },
      (kr, held) => this.retrier.expiredInLimiter(kr, held),
    );
    this.collector = new Collector(
      {
        maxCount: c.collectionMaxCount,
        maxSize: c.collectionMaxSize,
        extraBuffering: c.aggregationEnabled
          ? Math.min(50, Math.trunc(c.recordMaxBufferedTime * 0.2))
          : 0,
      },
      (batch) => this.gate.submit(batch),
      now,
    );
    this.gate = new CredentialsGate(client.credentials, {
      send: (batch) => this.send(batch),
      reput: (ur) => this.reput(ur),
      finish: (ur) => this.finish(ur),
    });
    this.retrier = new Retrier(
      {
        failIfThrottled: c.failIfThrottled,
        recordMaxBufferedTime: c.recordMaxBufferedTime,
        backoff: c.retryBackoff ? { base: c.retryBackoffBase, max: c.retryBackoffMax } : undefined,
      },
      this.shards,
      {
        reput: (ur) => this.reput(ur),
        finish: (ur) => this.finish(ur),
        shardFeedback: (shard, throttled) =>
          throttled ? this.limiter.throttled(shard) : this.limiter.accepted(shard),
      },
    );
  }

  get outstanding(): number {
    return this.outstandingCount;
  }

  put(ur: UserRecord): void {
    this.outstandingCount++;
    this.metrics?.received(ur);
    this.aggregator.put(ur);
  }

  /**
   * Everything buffered leaves now, as far as the limits and the rate limiter allow. Before the
   * first shard map nothing has left the aggregator yet: flushing then would send every record
   * alone (a short job that adds and flushes at once would spend a Kinesis record per user
   * record), so the flush waits for the map, which records wait for anyway at most until their
   * own deadline.
   */
  flush(): void {
    if (this.aggregator.waitingForMap) {
      if (!this.flushAfterMap) {
        this.flushAfterMap = true;
        this.shards.onFirstLoad(() => {
          this.flushAfterMap = false;
          this.flush();
        });
      }
      return;
    }
    this.aggregator.flush();
    this.limiter.drain();
    this.collector.flush();
  }

  /**
   * The input ended: from now on nothing waits for more records to join it. Retries and records
   * the rate limiter releases later leave as soon as they are back, too.
   */
  drain(): void {
    this.draining = true;
    this.flushAll();
  }

  close(): void {
    this.shards.close();
    this.aggregator.close();
    this.limiter.close();
    this.collector.close();
    this.retrier.close();
    this.gate.close();
  }

  private reput(ur: UserRecord): void {
    this.aggregator.put(ur);
    if (this.draining) this.kick();
  }

  /** One flush for everything that came back in this turn, not one per record. */
  private kick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      this.flushAll();
    });
  }

  private flushAll(): void {
    this.aggregator.flush();
    this.limiter.drain();
    this.collector.flushAll();
  }

  private send(batch: PutRecordsBatch): void {
    const start = now();
    let request: Promise<PutRecordsOutcome>;
    try {
      request = this.client.putRecords(this.stream, this.streamId, batch.items);
    } catch (err) {
      this.contain(batch, err, start);
      return;
    }
    request
      .then((outcome) => {
        const end = now();
        this.metrics?.requestDone(batch, outcome, start, end);
        this.retrier.onOutcome(batch, outcome, start, end);
        // What is not finished now is held for a retry: off the input chunk it goes.
        if (!outcome.ok || batch.items.some((kr) => kr.items.some((ur) => !ur.finished))) {
          for (const kr of batch.items) kr.detach();
        }
      })
      .catch((err: unknown) => this.contain(batch, err, start));
  }

  /**
   * Handling one request threw: its records that have no result yet fail with a stable code and
   * the daemon goes on with the others. A record the retrier had already queued again may still
   * be sent; its result stays the first one.
   */
  private contain(batch: PutRecordsBatch, err: unknown, start: number): void {
    const why = describeError(err);
    log.error(`stream ${this.stream}: a PutRecords request could not be handled: ${why}`);
    const end = now();
    for (const kr of batch.items) {
      for (const ur of kr.items) {
        if (ur.finished) continue;
        ur.addAttempt({
          start,
          end,
          success: false,
          errorCode: RecordErrorCode.daemonInternalError,
          errorMessage: `the daemon failed to handle this record's request: ${why}`,
        });
        this.finish(ur);
      }
    }
  }

  private finish(ur: UserRecord): void {
    if (ur.finished) return;
    ur.finished = true;
    this.outstandingCount--;
    this.metrics?.finished(ur);
    this.done(ur);
  }
}
