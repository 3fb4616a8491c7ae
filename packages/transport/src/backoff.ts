// The one backoff of the producer: the daemon's retries of records and metric uploads, its
// shard-map refreshes, and the wrapper's daemon restarts all wait this way, so that a fleet of
// producers failing together spreads out instead of retrying in lockstep.

export interface BackoffPolicy {
  /** First delay, ms. */
  base: number;
  /** Largest delay, ms. */
  max: number;
  /** How much the ceiling grows per failure; 2 unless given. */
  factor?: number;
}

/**
 * Exponential backoff with jitter: the n-th consecutive failure (n ≥ 1, smaller counts as 1)
 * waits a random time between half and all of min(max, base·factor^(n-1)).
 */
export function backoffDelay(p: BackoffPolicy, failures: number, random = Math.random): number {
  const n = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(p.max, p.base * (p.factor ?? 2) ** n);
  return ceiling / 2 + (random() * ceiling) / 2;
}
