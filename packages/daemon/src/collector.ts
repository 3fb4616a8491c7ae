// The collector stage (docs/architecture.md): gathers Kinesis records into PutRecords requests.
import { Batcher } from './batcher.js';
import type { KinesisRecord } from './kinesis-record.js';
import { PutRecordsBatch } from './put-records-batch.js';

export interface CollectorOptions {
  maxCount: number;
  maxSize: number;
  /** Extra time a record may wait here once aggregated: min(50, 20 % of RecordMaxBufferedTime). */
  extraBuffering: number;
}

/** Once this much is buffered for one shard, sending beats waiting for more. */
const SHARD_FLUSH_BYTES = 256 * 1024;

export class Collector {
  private readonly perShard = new Map<number, number>();
  private readonly batcher: Batcher<KinesisRecord, PutRecordsBatch>;

  constructor(
    private readonly o: CollectorOptions,
    private readonly send: (batch: PutRecordsBatch) => void,
    private readonly now: () => number,
  ) {
    this.batcher = new Batcher<KinesisRecord, PutRecordsBatch>({
      countLimit: o.maxCount,
      sizeLimit: o.maxSize,
      create: () => new PutRecordsBatch(),
      trigger: (kr) => this.countShard(kr),
      onTimer: (batch) => this.release(batch),
    });
  }

  put(kr: KinesisRecord): void {
    if (kr.count === 1 && kr.items[0]!.isolated) {
      // Alone in its own request: see Retrier.refused.
      const own = new PutRecordsBatch();
      own.add(kr);
      this.send(own);
      return;
    }
    if (kr.count > 1 && this.o.extraBuffering > 0) {
      kr.deadline = Math.min(
        Math.max(kr.deadline, this.now() + this.o.extraBuffering),
        kr.expiration,
      );
    }
    const batch = this.batcher.add(kr);
    if (batch) this.release(batch);
  }

  flush(): void {
    // One flush may leave a remainder (the limits still hold); it goes when it is due.
    const batch = this.batcher.flush();
    if (batch) this.release(batch);
  }

  /** Everything held leaves now, in as many requests as the limits need. */
  flushAll(): void {
    for (let batch = this.batcher.flush(); batch; batch = this.batcher.flush()) {
      this.release(batch);
    }
  }

  close(): void {
    this.batcher.close();
  }

  private countShard(kr: KinesisRecord): boolean {
    const shard = kr.predictedShard;
    if (shard < 0) return false;
    const total = (this.perShard.get(shard) ?? 0) + kr.accurateSize();
    this.perShard.set(shard, total);
    return total >= SHARD_FLUSH_BYTES;
  }

  private release(batch: PutRecordsBatch): void {
    for (const kr of batch.items) {
      const shard = kr.predictedShard;
      if (shard < 0) continue;
      const left = (this.perShard.get(shard) ?? 0) - kr.accurateSize();
      if (left > 0) this.perShard.set(shard, left);
      else this.perShard.delete(shard);
    }
    this.send(batch);
  }
}
