// The order of a turn's results by ascending id, without a comparator call per id: the daemon is
// the throughput bottleneck, and a turn holds tens of thousands of results. The ids come as
// ascending runs (one per Kinesis record, whose records arrived in id order), and a burst's ids
// are dense, so a counting pass over id - min does it in three linear passes. Sparse ids (a
// retried record among new ones) fall back to merging the runs pairwise.

export class IdOrder {
  private order = new Uint32Array(1024);
  private spare = new Uint32Array(1024);
  private slots = new Int32Array(4096);
  private runs = new Uint32Array(64);

  /** The indexes 0..n-1 of `ids` (distinct) in ascending id order; valid until the next call. */
  sort(ids: Float64Array, n: number): Uint32Array {
    if (this.order.length < n) {
      this.order = new Uint32Array(n * 2);
      this.spare = new Uint32Array(n * 2);
    }
    const order = this.order;
    let min = ids[0]!;
    let max = min;
    let runCount = 1;
    for (let i = 1; i < n; i++) {
      const id = ids[i]!;
      if (id < ids[i - 1]!) runCount++;
      if (id < min) min = id;
      else if (id > max) max = id;
    }
    if (runCount === 1) {
      for (let i = 0; i < n; i++) order[i] = i;
      return order.subarray(0, n);
    }
    const span = max - min + 1;
    // Dense enough that the slot array costs about as much as the results themselves.
    if (span <= 4 * n + 1024 && this.countingSort(ids, n, min, span)) return order.subarray(0, n);
    return this.mergeRuns(ids, n, runCount);
  }

  private countingSort(ids: Float64Array, n: number, min: number, span: number): boolean {
    if (this.slots.length < span) this.slots = new Int32Array(span * 2);
    const slots = this.slots;
    slots.fill(-1, 0, span);
    for (let i = 0; i < n; i++) slots[ids[i]! - min] = i;
    const order = this.order;
    let k = 0;
    for (let s = 0; s < span; s++) {
      const i = slots[s]!;
      if (i >= 0) order[k++] = i;
    }
    // An id given twice would have taken one slot: the merge keeps both.
    return k === n;
  }

  /** Bottom-up merge of the ascending runs, ping-ponging between two index arrays. */
  private mergeRuns(ids: Float64Array, n: number, runCount: number): Uint32Array {
    if (this.runs.length < runCount + 1) this.runs = new Uint32Array((runCount + 1) * 2);
    const runs = this.runs;
    let src = this.order;
    let dst = this.spare;
    let r = 0;
    runs[r++] = 0;
    for (let i = 1; i < n; i++) if (ids[i]! < ids[i - 1]!) runs[r++] = i;
    runs[r] = n;
    for (let i = 0; i < n; i++) src[i] = i;
    let count = runCount;
    while (count > 1) {
      let w = 0;
      for (let j = 0; j < count; j += 2) {
        const lo = runs[j]!;
        const mid = runs[j + 1]!;
        const hi = j + 2 <= count ? runs[j + 2]! : mid;
        let a = lo;
        let b = mid;
        let o = lo;
        while (a < mid && b < hi) {
          dst[o++] = ids[src[a]!]! <= ids[src[b]!]! ? src[a++]! : src[b++]!;
        }
        while (a < mid) dst[o++] = src[a++]!;
        while (b < hi) dst[o++] = src[b++]!;
        runs[w++] = lo;
      }
      runs[w] = n;
      count = w;
      const t = src;
      src = dst;
      dst = t;
    }
    this.order = src;
    this.spare = dst;
    return src.subarray(0, n);
  }
}
