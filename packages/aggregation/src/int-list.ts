const EMPTY = new Int32Array(0);
/** On the JS heap (64 bytes, V8's limit for a typed array's elements there): cheap to make. */
const FIRST_CAPACITY = 16;
/**
 * The first growth goes straight to an aggregate's usual size (a few hundred records), so that a
 * list pays for one storage allocation outside the heap, not one per doubling.
 */
const SECOND_CAPACITY = 1024;

/**
 * A growable list of 32-bit integers in an Int32Array. The builder keeps a few per-record
 * numbers for every record of an aggregate, and the daemon holds those aggregates for about
 * RecordMaxBufferedTime, long enough to survive young-generation collections: a JS array's
 * elements would be copied by each of them, whereas a typed array past V8's on-heap limit
 * (64 bytes) keeps its elements outside the heap, where the collector does not copy them.
 * Starts without storage, so a list that is never used (an aggregate without explicit hash
 * keys) costs nothing.
 */
export class IntList {
  private values = EMPTY;
  length = 0;

  at(i: number): number {
    return this.values[i]!;
  }

  push(value: number): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length++] = value;
  }

  pop(): number {
    return this.values[--this.length]!;
  }

  /** Adds `by` to the value at `i`; returns the new value. */
  add(i: number, by: number): number {
    this.values[i]! += by;
    return this.values[i]!;
  }

  private grow(): void {
    const now = this.values.length;
    const bigger = new Int32Array(
      now === 0 ? FIRST_CAPACITY : now === FIRST_CAPACITY ? SECOND_CAPACITY : now * 2,
    );
    bigger.set(this.values);
    this.values = bigger;
  }
}
