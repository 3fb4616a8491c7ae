// What the buffering stages hold: items with a deadline (when they must leave) and an
// expiration (when they are no longer worth sending).

export interface Timed {
  deadline: number;
  expiration: number;
}

/** A container a Batcher fills: it knows its own sizes; the batcher knows only the limits. */
export interface BatchContainer<T extends Timed> extends Timed {
  readonly count: number;
  readonly items: readonly T[];
  add(item: T): void;
  removeLast(): T;
  /** The exact size the limit is about. */
  accurateSize(): number;
  /** A cheaper size used only to decide when to flush. */
  estimatedSize(): number;
}

/** Earliest deadline and expiration of a set of items, for containers after a removal. */
export function earliest<T extends Timed>(items: readonly T[]): Timed {
  let deadline = Number.POSITIVE_INFINITY;
  let expiration = Number.POSITIVE_INFINITY;
  for (const it of items) {
    if (it.deadline < deadline) deadline = it.deadline;
    if (it.expiration < expiration) expiration = it.expiration;
  }
  return { deadline, expiration };
}
