// Stage 1: packs user records headed for the same predicted shard into Kinesis records.
import { Batcher } from './batcher.js';
import { KinesisRecord } from './kinesis-record.js';
import type { ShardMap } from './shard-map.js';
import type { UserRecord } from './user-record.js';

export interface AggregatorOptions {
  enabled: boolean;
  maxCount: number;
  maxSize: number;
}

export class Aggregator {
  private readonly buffers = new Map<number, Batcher<UserRecord, KinesisRecord>>();

  constructor(
    private readonly o: AggregatorOptions,
    private readonly shards: ShardMap,
    private readonly emit: (kr: KinesisRecord) => void,
  ) {}

  put(ur: UserRecord): void {
    const shard = this.o.enabled ? this.shards.shardFor(ur.hashKey) : -1;
    ur.predictedShard = shard;
    if (shard < 0) {
      // Without a shard map nothing may be packed: records of different shards would share
      // one hash key and the KCL would drop the ones outside the landing shard's range.
      const kr = new KinesisRecord();
      kr.add(ur);
      this.emit(kr);
      return;
    }
    const kr = this.bufferFor(shard).add(ur);
    if (kr) this.emit(kr);
  }

  flush(): void {
    for (const b of this.buffers.values()) {
      const kr = b.flush();
      if (kr) this.emit(kr);
    }
  }

  close(): void {
    for (const b of this.buffers.values()) b.close();
  }

  private bufferFor(shard: number): Batcher<UserRecord, KinesisRecord> {
    let b = this.buffers.get(shard);
    if (!b) {
      b = new Batcher<UserRecord, KinesisRecord>({
        countLimit: this.o.maxCount,
        sizeLimit: this.o.maxSize,
        create: () => new KinesisRecord(),
        onTimer: this.emit,
      });
      this.buffers.set(shard, b);
    }
    return b;
  }
}
