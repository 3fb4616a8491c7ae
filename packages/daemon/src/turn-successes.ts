// The first-attempt successes of one turn, collected for one GroupedResults answer. Typed arrays
// reused from turn to turn: a burst's turn holds tens of thousands of results, and the daemon's
// garbage collection is already a quarter of its time.
import { type GroupedResultsSource, resultsHead } from '@kinesis-producer/protocol';
import { IdOrder } from './id-order.js';
import { ms } from './stream-pipelines.js';
import type { AttemptRecord } from './user-record.js';

export class TurnSuccesses {
  count = 0;
  /** Per head, its number in the message being written (-1: none); see planGroupedChunk. */
  localOf = new Int32Array(256).fill(-1);
  private ids = new Float64Array(1024);
  private delays = new Float64Array(1024);
  private headOf = new Uint32Array(1024);
  private heads: Buffer[] = [];
  /** The records of one Kinesis record finish one after another: one head for all of them. */
  private lastAttempt: AttemptRecord | undefined;
  private readonly idOrder = new IdOrder();

  /** Returns true for the turn's first success (the caller then arranges the flush). */
  add(sourceId: number, delay: number, attempt: AttemptRecord): boolean {
    const n = this.count;
    if (n === this.ids.length) this.grow();
    if (attempt !== this.lastAttempt) {
      this.lastAttempt = attempt;
      this.heads.push(
        resultsHead(attempt.shardId!, attempt.sequenceNumber!, ms(attempt.end - attempt.start)),
      );
    }
    this.ids[n] = sourceId;
    this.delays[n] = delay;
    this.headOf[n] = this.heads.length - 1;
    this.count = n + 1;
    return n === 0;
  }

  /** The turn's successes in id order; the collection starts over (the arrays are reused). */
  take(): GroupedResultsSource {
    const heads = this.heads;
    if (this.localOf.length < heads.length) {
      this.localOf = new Int32Array(heads.length * 2).fill(-1);
    }
    const src: GroupedResultsSource = {
      heads,
      sourceIds: this.ids,
      headOf: this.headOf,
      delays: this.delays,
      order: this.idOrder.sort(this.ids, this.count),
    };
    this.count = 0;
    this.heads = [];
    this.lastAttempt = undefined;
    return src;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Float64Array(size);
    ids.set(this.ids);
    this.ids = ids;
    const delays = new Float64Array(size);
    delays.set(this.delays);
    this.delays = delays;
    const headOf = new Uint32Array(size);
    headOf.set(this.headOf);
    this.headOf = headOf;
  }
}
