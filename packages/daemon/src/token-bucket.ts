// A bucket with several token kinds (records and bytes) that must all be available at once.
import { now } from './clock.js';

export class TokenBucket {
  private readonly tokens: number[];
  private last = Number.NEGATIVE_INFINITY;
  private scale = 1;

  constructor(
    private readonly capacity: readonly number[],
    private readonly ratePerSecond: readonly number[],
  ) {
    this.tokens = capacity.map(() => 0);
  }

  /**
   * Takes every amount, or nothing if any kind is short. An amount larger than the capacity is
   * taken from a full bucket (leaving a debt), or it could never pass.
   */
  tryTake(amounts: readonly number[], at = now()): boolean {
    this.refill(at);
    for (let i = 0; i < amounts.length; i++) {
      if (this.tokens[i]! < Math.min(amounts[i]!, this.capacity[i]! * this.scale)) return false;
    }
    for (let i = 0; i < amounts.length; i++) this.tokens[i]! -= amounts[i]!;
    return true;
  }

  /** Runs the bucket at a share of its configured rate and capacity. */
  setScale(scale: number, at = now()): void {
    this.refill(at);
    this.scale = scale;
    for (let i = 0; i < this.tokens.length; i++) {
      this.tokens[i] = Math.min(this.tokens[i]!, this.capacity[i]! * scale);
    }
  }

  private refill(at: number): void {
    // The first refill starts from minus infinity, so a new bucket starts full.
    const seconds = (at - this.last) / 1000;
    if (!(seconds > 0)) return;
    for (let i = 0; i < this.tokens.length; i++) {
      this.tokens[i] = Math.min(
        this.capacity[i]! * this.scale,
        this.tokens[i]! + this.ratePerSecond[i]! * this.scale * seconds,
      );
    }
    this.last = at;
  }
}
