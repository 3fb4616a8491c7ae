// Stage 1: packs user records headed for the same predicted shard into Kinesis records.
import { Batcher } from './batcher.js';
import { now } from './clock.js';
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
  /** Records that arrived before the first shard map, waiting at most until their deadline. */
  private parked: UserRecord[] = [];
  private parkTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: AggregatorOptions,
    private readonly shards: ShardMap,
    private readonly emit: (kr: KinesisRecord) => void,
  ) {
    if (o.enabled) shards.onFirstLoad(() => this.unpark());
  }

  put(ur: UserRecord): void {
    if (this.o.enabled && this.shards.firstLoad) {
      // A new stream's first ListShards takes a moment; records may wait for it as long as
      // their deadline allows, and then get aggregated instead of going out one by one.
      this.parked.push(ur);
      this.parkTimer ??= setTimeout(() => this.unparkDue(), Math.max(0, ur.deadline - now()));
      return;
    }
    this.route(ur);
  }

  private route(ur: UserRecord): void {
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
    this.unpark();
    for (const b of this.buffers.values()) {
      const kr = b.flush();
      if (kr) this.emit(kr);
    }
  }

  close(): void {
    if (this.parkTimer) clearTimeout(this.parkTimer);
    for (const b of this.buffers.values()) b.close();
  }

  private unpark(): void {
    if (this.parkTimer) clearTimeout(this.parkTimer);
    this.parkTimer = undefined;
    const parked = this.parked;
    this.parked = [];
    for (const ur of parked) this.route(ur);
  }

  /** The map is still loading: only records whose deadline has come go out unaggregated. */
  private unparkDue(): void {
    this.parkTimer = undefined;
    const t = now() + 1;
    const parked = this.parked;
    let i = 0;
    while (i < parked.length && parked[i]!.deadline <= t) this.route(parked[i++]!);
    this.parked = parked.slice(i);
    const next = this.parked[0];
    if (next)
      this.parkTimer = setTimeout(() => this.unparkDue(), Math.max(0, next.deadline - now()));
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
