// Which open shard owns a hash key, learnt from ListShards. While the map is not ready the
// pipeline sends records unaggregated and lets Kinesis route them.
import { now } from './clock.js';
import { type HashKey, hashKeyFromDecimal, hashKeyHigh } from './hash-key.js';
import { log } from './log.js';

export interface ShardDescription {
  shardId: string;
  startingHashKey: string;
  endingHashKey: string;
}

export interface ShardPage {
  shards: ShardDescription[];
  nextToken?: string;
}

/** One ListShards call: the first page by stream, later pages by token only (the API's rule). */
export type ListShards = (
  request: { stream: string; streamId?: string } | { nextToken: string },
) => Promise<ShardPage>;

type State = 'invalid' | 'updating' | 'ready';

const FIRST_BACKOFF = 1000;
const MAX_BACKOFF = 30000;
/** How long the ranges of shards that closed stay known, to recognise landings on children. */
const CLOSED_RANGE_TTL = 60000;

export function shardNumber(shardId: string): number {
  return Number.parseInt(shardId.slice(shardId.indexOf('-') + 1), 10);
}

export function shardIdText(n: number): string {
  return `shardId-${String(n).padStart(12, '0')}`;
}

export class ShardMap {
  private state: State = 'invalid';
  private ends: HashKey[] = [];
  /** hashKeyHigh of each end: most comparisons are decided on these numbers alone. */
  private endHighs: number[] = [];
  private numbers: number[] = [];
  private open = new Set<number>();
  private readonly ranges = new Map<number, { start: HashKey; end: HashKey; seen: number }>();
  private updatedAt = Number.NEGATIVE_INFINITY;
  private backoff = FIRST_BACKOFF;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private everReady = false;
  private readonly settledListeners: (() => void)[] = [];
  private refreshListeners: (() => void)[] = [];

  constructor(
    private readonly stream: string,
    private readonly list: ListShards,
    private readonly streamId: () => string | undefined,
  ) {
    this.update();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** True until the first ListShards has succeeded or failed: worth waiting for briefly. */
  get firstLoad(): boolean {
    return !this.everReady && this.state === 'updating';
  }

  /** Called once when the first load ends, either way. */
  onFirstLoad(listener: () => void): void {
    this.settledListeners.push(listener);
  }

  get shardCount(): number {
    return this.open.size;
  }

  /**
   * The predicted shard for a hash key, or -1 while the map is not ready. `high` is
   * hashKeyHigh(hash), which callers keep with the key: comparing numbers spares reading the
   * key's text, a cache miss per record when keys are many.
   */
  shardFor(hash: HashKey, high: number = hashKeyHigh(hash)): number {
    if (this.state !== 'ready') return -1;
    const ends = this.ends;
    const highs = this.endHighs;
    const endBelow = (i: number) => highs[i]! < high || (highs[i] === high && ends[i]! < hash);
    let lo = 0;
    let hi = ends.length - 1;
    if (hi < 0 || endBelow(hi)) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (endBelow(mid)) lo = mid + 1;
      else hi = mid;
    }
    return this.numbers[lo]!;
  }

  hashRange(shard: number): { start: HashKey; end: HashKey } | undefined {
    return this.ranges.get(shard);
  }

  /**
   * A record landed somewhere other than predicted. Refresh, unless the evidence predates the
   * last refresh or names a shard already known to be closed: both mean the map is current.
   */
  invalidate(seenAt: number, predicted: number): void {
    if (this.state !== 'ready' || seenAt <= this.updatedAt) return;
    if (predicted >= 0 && !this.open.has(predicted)) return;
    log.info(`stream ${this.stream}: shard map out of date, refreshing`);
    this.update();
  }

  /**
   * Runs `then` once the map reflects the shards as of `seenAt` or later: at once if it already
   * does, else after the refresh under way (or the next one), whether it succeeds or fails.
   */
  afterRefresh(seenAt: number, then: () => void): void {
    if (this.state === 'ready' && this.updatedAt > seenAt) {
      queueMicrotask(then);
      return;
    }
    this.refreshListeners.push(then);
    if (this.state === 'ready') this.update();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private update(): void {
    if (this.state === 'updating' || this.closed) return;
    this.state = 'updating';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.fetchAll();
  }

  private async fetchAll(): Promise<void> {
    const shards: ShardDescription[] = [];
    try {
      let page = await this.list({ stream: this.stream, streamId: this.streamId() });
      shards.push(...page.shards);
      while (page.nextToken) {
        page = await this.list({ nextToken: page.nextToken });
        shards.push(...page.shards);
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.closed) return;
    this.install(shards);
  }

  private install(shards: ShardDescription[]): void {
    const at = now();
    const entries = shards.map((s) => ({
      n: shardNumber(s.shardId),
      start: hashKeyFromDecimal(s.startingHashKey),
      end: hashKeyFromDecimal(s.endingHashKey),
    }));
    entries.sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.n - b.n));
    this.ends = entries.map((e) => e.end);
    this.endHighs = this.ends.map(hashKeyHigh);
    this.numbers = entries.map((e) => e.n);
    this.open = new Set(this.numbers);
    for (const e of entries) this.ranges.set(e.n, { start: e.start, end: e.end, seen: at });
    for (const [n, r] of this.ranges) {
      if (!this.open.has(n) && at - r.seen > CLOSED_RANGE_TTL) this.ranges.delete(n);
    }
    this.backoff = FIRST_BACKOFF;
    this.updatedAt = at;
    this.state = 'ready';
    this.settleFirstLoad();
    this.notifyRefreshed();
    log.debug(`stream ${this.stream}: shard map ready with ${entries.length} open shards`);
  }

  private notifyRefreshed(): void {
    const l = this.refreshListeners;
    this.refreshListeners = [];
    for (const f of l) f();
  }

  private settleFirstLoad(): void {
    if (this.everReady) return;
    this.everReady = true;
    for (const l of this.settledListeners.splice(0)) l();
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.state = 'invalid';
    this.settleFirstLoad();
    this.notifyRefreshed();
    // Jittered, so producers that failed together do not retry together.
    const delay = Math.round(this.backoff * (0.5 + Math.random() * 0.5));
    this.backoff = Math.min(Math.floor((this.backoff * 3) / 2), MAX_BACKOFF);
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    log.warn(`stream ${this.stream}: ListShards failed (${why}); retrying in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.update(), delay);
    this.retryTimer.unref();
  }
}
