import { MAX_HASH_KEY } from './hash-key.js';
import type { ShardInfo, StoredRecord } from './read-back.js';

export const ACCOUNT_ID = '000000000000';

/** Continuous-refill token bucket holding at most one second of its rate. */
export class TokenBucket {
  private tokens: number;
  private at = performance.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  available(now: number): number {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    return this.tokens;
  }

  take(n: number): void {
    this.tokens -= n;
  }
}

export interface FakeShard {
  index: number;
  info: ShardInfo;
  startingSequenceNumber: string;
  records: StoredRecord[];
  /** Arrival time (epoch ms) of each record in `records`. */
  arrivals: number[];
  recordTokens?: TokenBucket;
  byteTokens?: TokenBucket;
}

/** One stream of the fake: shards splitting the hash space evenly, and what each shard holds. */
export class FakeStream {
  readonly arn: string;
  readonly createdAt = Date.now();
  readonly shards: FakeShard[];
  /** Accepted records in order of acceptance, across shards. */
  readonly log: StoredRecord[] = [];
  private readonly step: bigint;

  constructor(
    readonly name: string,
    shardCount: number,
    region: string,
    firstSequenceNumber: string,
    throttle: { recordsPerSecond: number; bytesPerSecond: number } | false,
  ) {
    if (!Number.isInteger(shardCount) || shardCount < 1) {
      throw new Error(`Stream ${name}: shard count must be a positive integer, got ${shardCount}`);
    }
    this.arn = `arn:aws:kinesis:${region}:${ACCOUNT_ID}:stream/${name}`;
    this.step = (MAX_HASH_KEY + 1n) / BigInt(shardCount);
    this.shards = Array.from({ length: shardCount }, (_, i) => ({
      index: i,
      info: {
        shardId: shardIdOf(i),
        startingHashKey: BigInt(i) * this.step,
        endingHashKey: i === shardCount - 1 ? MAX_HASH_KEY : BigInt(i + 1) * this.step - 1n,
        closed: false,
      },
      startingSequenceNumber: firstSequenceNumber,
      records: [],
      arrivals: [],
      recordTokens: throttle ? new TokenBucket(throttle.recordsPerSecond) : undefined,
      byteTokens: throttle ? new TokenBucket(throttle.bytesPerSecond) : undefined,
    }));
  }

  /** The shard whose hash range holds `hash`. */
  route(hash: bigint): FakeShard {
    const i = Number(hash / this.step);
    return this.shards[Math.min(i, this.shards.length - 1)]!;
  }

  /** Takes throughput for one entry of `bytes` from the shard; false if the shard is over its rate. */
  admit(shard: FakeShard, bytes: number, now: number): boolean {
    if (!shard.recordTokens || !shard.byteTokens) return true;
    if (shard.recordTokens.available(now) < 1 || shard.byteTokens.available(now) < bytes)
      return false;
    shard.recordTokens.take(1);
    shard.byteTokens.take(bytes);
    return true;
  }
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}
