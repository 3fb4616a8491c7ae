// Which open shard owns a hash key, learnt from ListShards, and the hash-key range of every shard
// a record may land on, closed ones included. While the map is not ready nothing is predicted.

import { type BackoffPolicy, backoffDelay } from '@kinesis-producer/transport';
import { type Clock, monotonicClock } from './clock.js';
import { type HashKey, type HashKeyed, hashKeyFromDecimal, hashKeyHigh } from './hex-hash-key.js';

function hashHighOf(key: HashKey | HashKeyed): number {
  return typeof key === 'string' ? hashKeyHigh(key) : key.hashHigh;
}

import { log } from './log.js';

export interface ShardDescription {
  shardId: string;
  startingHashKey: string;
  endingHashKey: string;
  /** The listing gave the shard an ending sequence number: it takes no more records. */
  closed?: boolean;
  parentShardId?: string;
  adjacentParentShardId?: string;
}

export interface ShardPage {
  shards: ShardDescription[];
  nextToken?: string;
}

/**
 * One ListShards call: the first page by stream, later pages by token only (the API's rule).
 * The map asks for open shards only; `everyShard` asks for closed ones too, to learn the range of
 * a shard a record landed on that has closed since.
 */
export type ListShards = (
  request: { stream: string; streamId?: string; everyShard?: boolean } | { nextToken: string },
) => Promise<ShardPage>;

export interface HashRange {
  start: HashKey;
  end: HashKey;
}

type State = 'invalid' | 'updating' | 'ready';

/** A failed ListShards is tried again after 1 s, growing 1.5× per failure up to 30 s (jittered). */
const REFRESH_BACKOFF: BackoffPolicy = { base: 1000, max: 30_000, factor: 1.5 };
/** 100,000 shards at 1,000 a page, far more than a stream may have. */
export const MAX_LIST_SHARDS_PAGES = 100;
/**
 * How long the ranges of shards no longer open stay known: landings on them are judged by their
 * own range, so this outlives any request that may still report one.
 */
const CLOSED_RANGE_TTL = 10 * 60_000;

export function shardNumber(shardId: string): number {
  return Number.parseInt(shardId.slice(shardId.indexOf('-') + 1), 10);
}

export function shardIdText(n: number): string {
  return `shardId-${String(n).padStart(12, '0')}`;
}

interface RangeWaiter {
  shard: number;
  giveUpAt: number;
  then: (range: HashRange | undefined) => void;
}

export class ShardMap {
  private state: State = 'invalid';
  private ends: HashKey[] = [];
  /** hashKeyHigh of each end: most comparisons are decided on these numbers alone. */
  private endHighs: number[] = [];
  private numbers: number[] = [];
  private open = new Set<number>();
  private readonly ranges = new Map<number, HashRange & { seen: number }>();
  /** When the listing behind the current map was asked for (not when it arrived). */
  private listedAt = Number.NEGATIVE_INFINITY;
  /** ListShards failures in a row of the map's own refreshes. */
  private failures = 0;
  private retryTimer: unknown;
  private closed = false;
  private everReady = false;
  private readonly settledListeners: (() => void)[] = [];
  /** Landings on shards whose range is not known yet, waiting for a listing of every shard. */
  private rangeWaiters: RangeWaiter[] = [];
  private lookingUp = false;
  /** ListShards failures in a row of the look-ups of landing shards' ranges. */
  private lookupFailures = 0;
  private lookupTimer: unknown;

  constructor(
    private readonly stream: string,
    private readonly list: ListShards,
    private readonly streamId: () => string | undefined,
    private readonly clock: Clock = monotonicClock,
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
   * The predicted shard for a hash key (or for what has one), or -1 while the map is not ready. `high` is
   * hashKeyHigh(hash), which callers keep with the key: comparing numbers spares reading the
   * key's text, a cache miss per record when keys are many.
   */
  shardFor(key: HashKey | HashKeyed, high: number = hashHighOf(key)): number {
    if (this.state !== 'ready') return -1;
    const ends = this.ends;
    let lo = 0;
    let hi = ends.length - 1;
    if (hi < 0 || this.endBelow(hi, key, high)) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.endBelow(mid, key, high)) lo = mid + 1;
      else hi = mid;
    }
    return this.numbers[lo]!;
  }

  /**
   * Whether shard i's range ends below the key. A method, not a closure made in shardFor: that
   * closure was an allocation per record. The key's text is read (and, for a key's entry, made)
   * only when the highs are equal.
   */
  private endBelow(i: number, key: HashKey | HashKeyed, high: number): boolean {
    const h = this.endHighs[i]!;
    if (h !== high) return h < high;
    return this.ends[i]! < (typeof key === 'string' ? key : key.hashKey);
  }

  hashRange(shard: number): HashRange | undefined {
    return this.ranges.get(shard);
  }

  /**
   * A record landed somewhere other than predicted. Refresh, unless the evidence predates the
   * listing behind the map or names a shard already known to be closed: both mean the map is
   * current.
   */
  invalidate(seenAt: number, predicted: number): void {
    if (this.state !== 'ready' || seenAt <= this.listedAt) return;
    if (predicted >= 0 && !this.open.has(predicted)) return;
    log.info(`stream ${this.stream}: shard map out of date, refreshing`);
    this.update();
  }

  /**
   * Calls `then` with the hash-key range of `shard`: at once when known, else once a listing of
   * every shard (closed ones too) names it. Such listings are retried with backoff; if none has
   * named the shard by `giveUpAt`, `then` gets undefined.
   */
  whenRangeKnown(
    shard: number,
    giveUpAt: number,
    then: (range: HashRange | undefined) => void,
  ): void {
    const known = this.ranges.get(shard);
    if (known !== undefined || this.closed) {
      queueMicrotask(() => then(known));
      return;
    }
    this.rangeWaiters.push({ shard, giveUpAt, then });
    this.lookUp();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
    if (this.lookupTimer) this.clock.clearTimeout(this.lookupTimer);
    this.settleRangeWaiters(Number.POSITIVE_INFINITY);
  }

  private update(): void {
    if (this.state === 'updating' || this.closed) return;
    this.state = 'updating';
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const at = this.clock.now();
    let shards: ShardDescription[];
    try {
      shards = await this.fetchAll(false);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.closed) return;
    try {
      this.install(shards, at);
    } catch (err) {
      // An answer that does not describe shards is a failed ListShards, not the daemon's end.
      this.fail(err);
      return;
    }
    this.failures = 0;
    this.state = 'ready';
    this.settleFirstLoad();
    log.debug(`stream ${this.stream}: shard map ready with ${this.open.size} open shards`);
  }

  private async fetchAll(everyShard: boolean): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let page = await this.list({ stream: this.stream, streamId: this.streamId(), everyShard });
    shards.push(...page.shards);
    for (let pages = 1; page.nextToken; pages++) {
      // An endpoint that never stops paging (a token that repeats) must not hold the map, or
      // its memory, forever: the listing fails and is retried like any failed ListShards.
      if (pages >= MAX_LIST_SHARDS_PAGES) {
        throw new Error(`ListShards was still paging after ${MAX_LIST_SHARDS_PAGES} pages`);
      }
      page = await this.list({ nextToken: page.nextToken });
      shards.push(...page.shards);
    }
    return shards;
  }

  /**
   * Takes in a listing asked for at `at`. Every listed shard's range is kept; only open shards
   * are predicted. A shard counts as closed when the listing says so or when it is the parent of
   * a listed shard: some services list closed shards whatever the filter asks.
   */
  private install(shards: ShardDescription[], at: number): void {
    const parents = new Set<string>();
    for (const s of shards) {
      if (s.parentShardId) parents.add(s.parentShardId);
      if (s.adjacentParentShardId) parents.add(s.adjacentParentShardId);
    }
    const seen = this.clock.now();
    const entries: { n: number; start: HashKey; end: HashKey }[] = [];
    for (const s of shards) {
      const e = {
        n: shardNumber(s.shardId),
        start: hashKeyFromDecimal(s.startingHashKey),
        end: hashKeyFromDecimal(s.endingHashKey),
      };
      this.ranges.set(e.n, { start: e.start, end: e.end, seen });
      if (!s.closed && !parents.has(s.shardId)) entries.push(e);
    }
    this.settleRangeWaiters(seen);
    // A listing older than the map's (a lookup and a refresh crossed) teaches ranges only.
    if (at <= this.listedAt) return;
    entries.sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.n - b.n));
    this.ends = entries.map((e) => e.end);
    this.endHighs = this.ends.map(hashKeyHigh);
    this.numbers = entries.map((e) => e.n);
    this.open = new Set(this.numbers);
    for (const [n, r] of this.ranges) {
      if (!this.open.has(n) && seen - r.seen > CLOSED_RANGE_TTL) this.ranges.delete(n);
    }
    this.listedAt = at;
  }

  /** Answers every waiter whose shard is now known, and gives up on those past `t`. */
  private settleRangeWaiters(t: number): void {
    if (this.rangeWaiters.length === 0) return;
    const still: RangeWaiter[] = [];
    for (const w of this.rangeWaiters) {
      const range = this.ranges.get(w.shard);
      if (range !== undefined || t >= w.giveUpAt) w.then(range);
      else still.push(w);
    }
    this.rangeWaiters = still;
  }

  /** A listing of every shard, for landings on shards the map has not seen; one at a time. */
  private lookUp(): void {
    if (this.lookingUp || this.lookupTimer !== undefined || this.closed) return;
    this.lookingUp = true;
    const at = this.clock.now();
    this.fetchAll(true).then(
      (shards) => {
        this.lookingUp = false;
        if (this.closed) return;
        this.lookupFailures = 0;
        this.install(shards, at);
        if (this.state === 'invalid' && this.listedAt === at) {
          // The map's own refresh is failing; this listing serves it as well.
          if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
          this.retryTimer = undefined;
          this.state = 'ready';
          this.settleFirstLoad();
        }
        this.retryLookUp(`no listing named shard ${this.rangeWaiters[0]?.shard}`);
      },
      (err) => {
        this.lookingUp = false;
        if (this.closed) return;
        this.retryLookUp(`ListShards failed (${describe(err)})`);
      },
    );
  }

  private retryLookUp(why: string): void {
    if (this.rangeWaiters.length === 0) return;
    const delay = Math.round(backoffDelay(REFRESH_BACKOFF, ++this.lookupFailures));
    // Waiters past their time are answered when the timer fires, even if it fires early for them.
    const giveUp = Math.min(...this.rangeWaiters.map((w) => w.giveUpAt));
    const wait = Math.max(0, Math.min(delay, giveUp - this.clock.now()));
    log.warn(`stream ${this.stream}: shard ranges: ${why}; trying again in ${wait} ms`);
    this.lookupTimer = this.clock.setTimeout(
      () => {
        this.lookupTimer = undefined;
        this.settleRangeWaiters(this.clock.now());
        if (this.rangeWaiters.length > 0) this.lookUp();
      },
      wait,
      true,
    );
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
    const delay = Math.round(backoffDelay(REFRESH_BACKOFF, ++this.failures));
    log.warn(
      `stream ${this.stream}: ListShards failed (${describe(err)}); retrying in ${delay} ms`,
    );
    this.retryTimer = this.clock.setTimeout(() => this.update(), delay, true);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
