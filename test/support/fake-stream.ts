import { MAX_HASH_KEY } from './hash-key.js';
import type { ShardInfo, StoredRecord } from './read-back.js';

export const ACCOUNT_ID = '000000000000';

export interface FakeShard {
  index: number;
  info: ShardInfo;
  startingSequenceNumber: string;
  records: StoredRecord[];
  /** Arrival time (epoch ms) of each record in `records`. */
  arrivals: number[];
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
    }));
  }

  /** The shard whose hash range holds `hash`. */
  route(hash: bigint): FakeShard {
    const i = Number(hash / this.step);
    return this.shards[Math.min(i, this.shards.length - 1)]!;
  }
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}
