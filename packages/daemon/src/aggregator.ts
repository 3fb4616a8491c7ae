// The aggregator stage (docs/architecture.md): packs user records into Kinesis records. By default records are grouped by the
// shard the map predicts (the KPL's way); in partition-key mode by their routing key, which
// needs no shard map and can never put a record on a shard that does not hold its key.
import { Batcher } from './batcher.js';
import { type Clock, monotonicClock } from './clock.js';
import { DeadlineTimer } from './deadline-timer.js';
import { KinesisRecord } from './kinesis-record.js';
import type { ShardMap } from './shard-map.js';
import type { UserRecord } from './user-record.js';

export interface AggregatorOptions {
  enabled: boolean;
  mode: 'shard' | 'partition_key';
  maxCount: number;
  maxSize: number;
}

type ShardBuffer = Batcher<UserRecord, KinesisRecord>;

/**
 * How long a new stream's first records wait for its shard map even when their own deadline is
 * sooner. The map normally comes within tens of milliseconds of the first record, but a record
 * sent without it goes out as a Kinesis record of its own: a new producer that takes thousands
 * of records at once (a short job, a Lambda invocation) would otherwise spend one per record,
 * against a shard quota of 1000 records a second. Bounded, so a ListShards that hangs delays
 * the first records by this much at most; never past a record's TTL.
 */
export const FIRST_MAP_WAIT_MS = 1000;

export class Aggregator {
  private readonly buffers = new Map<number | string, ShardBuffer>();
  /** Records that arrived before the first shard map, waiting at most until their deadline. */
  private parked: UserRecord[] = [];
  private readonly parkTimer: DeadlineTimer;
  /** When the wait for the first map ends for every record, whatever its deadline; -1 before. */
  private mapWaitEnds = -1;
  private readonly byShard: boolean;

  constructor(
    private readonly o: AggregatorOptions,
    private readonly shards: ShardMap,
    private readonly emit: (kr: KinesisRecord) => void,
    private readonly clock: Clock = monotonicClock,
  ) {
    this.parkTimer = new DeadlineTimer(() => this.unparkDue(), clock);
    this.byShard = o.enabled && o.mode === 'shard';
    if (this.byShard) shards.onFirstLoad(() => this.unpark());
  }

  /** True while records are held for the first shard map (see put). */
  get waitingForMap(): boolean {
    return this.byShard && this.shards.firstLoad;
  }

  put(ur: UserRecord): void {
    if (this.waitingForMap) {
      // A new stream's first ListShards takes a moment; records wait for it (see
      // FIRST_MAP_WAIT_MS), and then get aggregated instead of going out one by one.
      if (this.mapWaitEnds < 0) this.mapWaitEnds = this.clock.now() + FIRST_MAP_WAIT_MS;
      this.parked.push(ur);
      this.parkTimer.schedule(this.releaseAt(ur));
      return;
    }
    this.route(ur);
  }

  flush(): void {
    this.unpark();
    for (const b of [...this.buffers.values()]) {
      const kr = b.flush();
      if (kr) this.emit(kr);
    }
    this.sweep();
  }

  close(): void {
    this.parkTimer.cancel();
    for (const b of this.buffers.values()) b.close();
  }

  private route(ur: UserRecord): void {
    // The prediction also feeds the rate limiter, whatever the grouping.
    const shard = this.shards.shardFor(ur, ur.hashHigh);
    ur.predictedShard = shard;
    if (!this.o.enabled || ur.isolated || (this.byShard && shard < 0)) {
      // Without a shard map nothing may be packed by shard: records of different shards would
      // share one hash key and the KCL would drop the ones outside the landing shard's range.
      const kr = new KinesisRecord();
      kr.add(ur);
      this.emit(kr);
      return;
    }
    const key = this.byShard ? shard : routingKey(ur);
    const kr = this.bufferFor(key).add(ur);
    if (kr) this.emit(kr);
  }

  private unpark(): void {
    this.parkTimer.cancel();
    const parked = this.parked;
    this.parked = [];
    for (const ur of parked) this.route(ur);
  }

  /**
   * The latest a record waits for the first map. Records arrive in order and every term grows
   * with the arrival time, so the parked records are in the order they are due.
   */
  private releaseAt(ur: UserRecord): number {
    return Math.min(ur.expiration, Math.max(ur.deadline, this.mapWaitEnds));
  }

  /** The map is still loading: only records whose wait is over go out unaggregated. */
  private unparkDue(): void {
    const t = this.clock.now() + 1;
    const parked = this.parked;
    let i = 0;
    while (i < parked.length && this.releaseAt(parked[i]!) <= t) this.route(parked[i++]!);
    this.parked = parked.slice(i);
    const next = this.parked[0];
    if (next) this.parkTimer.schedule(this.releaseAt(next));
  }

  /**
   * Runs for every record, so it makes no closure: a function whose variables a closure captures
   * allocates a context for them on every call, even when no closure is made (newBuffer's are).
   */
  private bufferFor(key: number | string): ShardBuffer {
    return this.buffers.get(key) ?? this.newBuffer(key);
  }

  private newBuffer(key: number | string): ShardBuffer {
    const b: ShardBuffer = new Batcher<UserRecord, KinesisRecord>({
      countLimit: this.o.maxCount,
      sizeLimit: this.o.maxSize,
      create: () => new KinesisRecord(),
      clock: this.clock,
      onTimer: (kr) => {
        this.emit(kr);
        // Partition keys come and go; an idle key's buffer must not stay behind.
        if (!this.byShard && b.count === 0) this.buffers.delete(key);
      },
    });
    this.buffers.set(key, b);
    return b;
  }

  private sweep(): void {
    if (this.byShard) return;
    for (const [k, b] of this.buffers) {
      if (b.count === 0) {
        b.close();
        this.buffers.delete(k);
      }
    }
  }
}

/** Records with the same routing key land together on whatever shard holds that key. */
function routingKey(ur: UserRecord): string {
  return ur.explicitHashKey === undefined
    ? ur.partitionKey
    : `${ur.partitionKey}\u0000${ur.explicitHashKey}`;
}
