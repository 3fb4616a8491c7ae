// The limiter stage (docs/architecture.md): holds Kinesis records to a share of each shard's write limits, so a producer does
// not spend its requests on throttling errors.
import { type Clock, monotonicClock } from './clock.js';
import { DeadlineTimer } from './deadline-timer.js';
import type { KinesisRecord } from './kinesis-record.js';
import { TokenBucket } from './token-bucket.js';

const SHARD_RECORDS_PER_SECOND = 1000;
const SHARD_BYTES_PER_SECOND = 1024 * 1024;
// The KPL's bucket sizes: a burst of up to 10 MiB per shard before the rate applies.
const KPL_RECORD_CAPACITY = 1000;
const KPL_BYTE_CAPACITY = 10 * 1024 * 1024;
const POLL_MS = 25;

// Adaptive limiting: cut a throttled shard's rate at most once per window, and win it back
// slowly while Kinesis accepts what is sent (additive increase, multiplicative decrease).
const CUT = 0.85;
const RAISE = 0.005;
/** Throttles answering sends made before a cut say nothing new: one cut per window. */
const CUT_WINDOW_MS = 250;
const RAISE_EVERY_MS = 100;
/** After a cut, hold the rate a while before probing upwards again. */
const HOLD_AFTER_CUT_MS = 1000;
const FLOOR = 0.05;

export interface LimiterOptions {
  /** Percentage of the shard limits to allow (the KPL's RateLimit). */
  rateLimit: number;
  /** Adapt each shard's rate to throttling; buckets then hold one second, not a 10 MiB burst. */
  adaptive: boolean;
}

interface ShardQueue {
  bucket: TokenBucket;
  waiting: KinesisRecord[];
  sorted: boolean;
  /** Share of the configured rate in force, adapted to throttling. */
  scale: number;
  cutAt: number;
  raisedAt: number;
}

export class Limiter {
  private readonly shards = new Map<number, ShardQueue>();
  private queued = 0;
  private readonly poll: DeadlineTimer;

  constructor(
    private readonly o: LimiterOptions,
    private readonly pass: (kr: KinesisRecord) => void,
    /** held: the buckets kept it waiting (else it came in already expired). */
    private readonly expired: (kr: KinesisRecord, held: boolean) => void,
    private readonly clock: Clock = monotonicClock,
  ) {
    this.poll = new DeadlineTimer(() => this.drain(), clock);
  }

  get waiting(): number {
    return this.queued;
  }

  put(kr: KinesisRecord): void {
    const shard = kr.predictedShard;
    if (shard < 0) {
      this.pass(kr);
      return;
    }
    const t = this.clock.now();
    if (t > kr.expiration) {
      this.expired(kr, false);
      return;
    }
    const q = this.queueFor(shard);
    const last = q.waiting.at(-1);
    if (last && last.deadline > kr.deadline) q.sorted = false;
    q.waiting.push(kr);
    this.queued++;
    // Records already waiting mean the bucket is short: the poll drains them in order.
    if (q.waiting.length === 1) this.drainShard(q, t);
    // Held for the rate limit: it must not pin its input chunk meanwhile.
    if (q.waiting.length > 1 || q.waiting[0] === kr) kr.detach();
    this.schedule();
  }

  /** Releases what the buckets allow now, and fails what expired while waiting. */
  drain(): void {
    const at = this.clock.now();
    for (const q of this.shards.values()) if (q.waiting.length) this.drainShard(q, at);
    this.schedule();
  }

  /** Kinesis throttled a record sent for this shard: slow the shard down. */
  throttled(shard: number): void {
    const q = this.o.adaptive && shard >= 0 ? this.shards.get(shard) : undefined;
    const t = this.clock.now();
    if (!q || t - q.cutAt < CUT_WINDOW_MS) return;
    q.scale = Math.max(FLOOR, q.scale * CUT);
    q.cutAt = t;
    q.bucket.setScale(q.scale, t);
  }

  /** Kinesis accepted a record sent for this shard: win back some of the rate. */
  accepted(shard: number): void {
    const q = this.o.adaptive && shard >= 0 ? this.shards.get(shard) : undefined;
    if (!q || q.scale >= 1) return;
    const t = this.clock.now();
    if (t - q.raisedAt < RAISE_EVERY_MS || t - q.cutAt < HOLD_AFTER_CUT_MS) return;
    q.scale = Math.min(1, q.scale + RAISE);
    q.raisedAt = t;
    q.bucket.setScale(q.scale, t);
  }

  close(): void {
    this.poll.cancel();
  }

  private drainShard(q: ShardQueue, at: number): void {
    if (!q.sorted) {
      q.waiting.sort((a, b) => a.deadline - b.deadline);
      q.sorted = true;
    }
    let kept = 0;
    let blocked = false;
    const w = q.waiting;
    for (let i = 0; i < w.length; i++) {
      const kr = w[i]!;
      if (at > kr.expiration) {
        this.queued--;
        this.expired(kr, true);
      } else if (!blocked && q.bucket.tryTake([1, kr.accurateSize()], at)) {
        this.queued--;
        this.pass(kr);
      } else {
        // In deadline order: once the bucket is short, later records wait behind this one.
        blocked = true;
        w[kept++] = kr;
      }
    }
    w.length = kept;
  }

  private schedule(): void {
    // While records wait, the buckets are looked at every POLL_MS.
    if (this.queued === 0) this.poll.cancel();
    else if (!this.poll.armed) this.poll.schedule(this.clock.now() + POLL_MS);
  }

  private queueFor(shard: number): ShardQueue {
    let q = this.shards.get(shard);
    if (!q) {
      const rate = this.o.rateLimit / 100;
      const perSecond = [SHARD_RECORDS_PER_SECOND * rate, SHARD_BYTES_PER_SECOND * rate];
      q = {
        bucket: new TokenBucket(
          this.o.adaptive ? perSecond : [KPL_RECORD_CAPACITY, KPL_BYTE_CAPACITY],
          perSecond,
        ),
        waiting: [],
        sorted: true,
        // Adaptive: start at the shard's own limit, then probe up towards RateLimit %.
        scale: this.o.adaptive ? Math.min(1, 100 / this.o.rateLimit) : 1,
        cutAt: Number.NEGATIVE_INFINITY,
        raisedAt: Number.NEGATIVE_INFINITY,
      };
      q.bucket.setScale(q.scale, this.clock.now());
      this.shards.set(shard, q);
    }
    return q;
  }
}
