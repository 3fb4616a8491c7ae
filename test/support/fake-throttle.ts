// Which entries the fake Kinesis refuses as throttled. Tests use the counting rules, whose
// outcome depends only on the order in which entries arrive, never on how fast the machine
// sends them; the rate rule (the service's real per-shard limits) is for the bench.
import type { FakeShard } from './fake-stream.js';

export type ThrottleRule =
  /** The first `entries` entries the fake processes, whatever their shard; none after. */
  | { firstEntries: number }
  /** Of each shard's entries, in order of arrival, every `every`-th (and only those). */
  | { everyNthPerShard: number }
  /**
   * Per-shard token buckets at these rates, holding one second of each, on `clock` (default the
   * monotonic clock). Real limits: 1000 records/s and 1 MiB/s (data plus partition key).
   */
  | { recordsPerSecond: number; bytesPerSecond: number; clock?: () => number };

/** Decides, entry by entry, whether the shard takes it. */
export type Admit = (shard: FakeShard, bytes: number) => boolean;

export function admitterFor(rule: ThrottleRule | false | undefined): Admit {
  if (!rule) return () => true;
  if ('firstEntries' in rule) {
    let refused = 0;
    return () => refused++ >= rule.firstEntries;
  }
  if ('everyNthPerShard' in rule) {
    const seen = new Map<FakeShard, number>();
    return (shard) => {
      const n = (seen.get(shard) ?? 0) + 1;
      seen.set(shard, n);
      return n % rule.everyNthPerShard !== 0;
    };
  }
  const clock = rule.clock ?? (() => performance.now());
  const buckets = new Map<FakeShard, { records: TokenBucket; bytes: TokenBucket }>();
  return (shard, bytes) => {
    const now = clock();
    let b = buckets.get(shard);
    if (!b) {
      b = {
        records: new TokenBucket(rule.recordsPerSecond, now),
        bytes: new TokenBucket(rule.bytesPerSecond, now),
      };
      buckets.set(shard, b);
    }
    if (b.records.available(now) < 1 || b.bytes.available(now) < bytes) return false;
    b.records.take(1);
    b.bytes.take(bytes);
    return true;
  };
}

/** Continuous-refill token bucket holding at most one second of its rate. */
class TokenBucket {
  private tokens: number;

  constructor(
    private readonly perSecond: number,
    private at: number,
  ) {
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
