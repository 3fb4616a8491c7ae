// Samples of one metric node: totals since the node exists, and one bucket per second for the
// last RETENTION_SECONDS. The buckets roll over on their own, so a windowed query always sees
// the last N seconds whatever the upload schedule did (the KPL deleted them at each upload).

/** Seconds of buckets kept: the longest window getMetrics answers, plus slack for late uploads. */
export const RETENTION_SECONDS = 72;
/** The longest window a query may ask for. */
export const MAX_WINDOW_SECONDS = 60;

// A bucket is five doubles: second, count, sum, min, max.
const SLOT = 5;
const INITIAL_BUCKETS = 4;

/** count, sum, min and max of a set of samples; min and max are ±Infinity when it is empty. */
export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export function emptyStats(): Stats {
  return { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}

/** Adds `s` into `into`. */
export function mergeStats(into: Stats, s: Stats): void {
  into.count += s.count;
  into.sum += s.sum;
  if (s.min < into.min) into.min = s.min;
  if (s.max > into.max) into.max = s.max;
}

export class Accumulator implements Stats {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  // A ring of buckets, allocated on the first sample and grown by doubling: most nodes of a
  // large tree see few seconds, and a node that never gets a sample costs nothing here.
  private ring: Float64Array | undefined;
  private head = 0;
  private length = 0;
  private lastSecond = Number.NEGATIVE_INFINITY;
  private lastOffset = 0;

  /**
   * Records `v` in second `second`. A second older than the newest bucket counts in the newest
   * one: callers pass times taken moments ago, so this moves a sample by a fraction of a second.
   */
  put(v: number, second: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (second > this.lastSecond) this.open(second);
    const r = this.ring!;
    const o = this.lastOffset;
    r[o + 1]!++;
    r[o + 2]! += v;
    if (v < r[o + 3]!) r[o + 3] = v;
    if (v > r[o + 4]!) r[o + 4] = v;
  }

  /** Adds the buckets with `from < second <= to` into `into`. */
  window(from: number, to: number, into: Stats): void {
    const r = this.ring;
    if (!r) return;
    const cap = r.length / SLOT;
    for (let i = this.length - 1; i >= 0; i--) {
      const o = ((this.head + i) % cap) * SLOT;
      const s = r[o]!;
      if (s <= from) break;
      if (s > to) continue;
      into.count += r[o + 1]!;
      into.sum += r[o + 2]!;
      if (r[o + 3]! < into.min) into.min = r[o + 3]!;
      if (r[o + 4]! > into.max) into.max = r[o + 4]!;
    }
  }

  private open(second: number): void {
    let r = this.ring;
    if (!r) r = this.ring = new Float64Array(INITIAL_BUCKETS * SLOT);
    let cap = r.length / SLOT;
    // Buckets that fell out of the retention go first, so the ring rarely needs to grow.
    while (this.length > 0 && r[this.head * SLOT]! <= second - RETENTION_SECONDS) {
      this.head = (this.head + 1) % cap;
      this.length--;
    }
    if (this.length === cap) {
      if (cap < RETENTION_SECONDS) {
        r = this.grow(Math.min(cap * 2, RETENTION_SECONDS));
        cap = r.length / SLOT;
      } else {
        this.head = (this.head + 1) % cap;
        this.length--;
      }
    }
    const o = ((this.head + this.length) % cap) * SLOT;
    r[o] = second;
    r[o + 1] = 0;
    r[o + 2] = 0;
    r[o + 3] = Number.POSITIVE_INFINITY;
    r[o + 4] = Number.NEGATIVE_INFINITY;
    this.length++;
    this.lastSecond = second;
    this.lastOffset = o;
  }

  private grow(buckets: number): Float64Array {
    const old = this.ring!;
    const cap = old.length / SLOT;
    const r = new Float64Array(buckets * SLOT);
    for (let i = 0; i < this.length; i++) {
      const from = ((this.head + i) % cap) * SLOT;
      r.set(old.subarray(from, from + SLOT), i * SLOT);
    }
    this.ring = r;
    this.head = 0;
    return r;
  }
}
