// When the journal's records were taken, kept per run of ids taken at one time (a turn's) rather
// than in each record's object: a pair of numbers per turn instead of a field on every record in
// flight, and stamping a turn writes nothing into its records.

export class TakeTimes {
  /** Run k starts at id ids[k]; its records were taken at times[k]. Runs before head are done. */
  private ids: number[] = [];
  private times: number[] = [];
  private head = 0;
  /** The run the last lookup ended in: lookups mostly ascend, so the next starts there. */
  private hint = 0;

  /** Ids from `id` on (higher than any added before) were taken at `t`, whole ms. */
  add(id: number, t: number): void {
    const n = this.times.length;
    // The same time as the last run's: that run goes on.
    if (n > this.head && this.times[n - 1] === t) return;
    this.ids.push(id);
    this.times.push(t);
  }

  /** When `id` was taken; `id` must be at or after the first run kept. */
  timeOf(id: number): number {
    const ids = this.ids;
    let k =
      this.hint >= this.head && this.hint < ids.length && ids[this.hint]! <= id
        ? this.hint
        : this.head;
    while (k + 1 < ids.length && ids[k + 1]! <= id) k++;
    this.hint = k;
    return this.times[k]!;
  }

  /**
   * Lets go of the runs before the one holding `oldest`, the oldest id still asked about; the
   * kept ones move to the front once the dropped ones are most of the arrays.
   */
  dropBefore(oldest: number): void {
    const ids = this.ids;
    let k = this.head;
    while (k + 1 < ids.length && ids[k + 1]! <= oldest) k++;
    if (k > 1024 && k * 2 > ids.length) {
      const n = ids.length - k;
      ids.copyWithin(0, k);
      ids.length = n;
      this.times.copyWithin(0, k);
      this.times.length = n;
      k = 0;
    }
    this.head = k;
    this.hint = k;
  }

  clear(): void {
    this.ids.length = 0;
    this.times.length = 0;
    this.head = 0;
    this.hint = 0;
  }
}
