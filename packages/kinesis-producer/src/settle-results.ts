// What the daemon's answers do to the records waiting for them: each settles its record's promise
// once (a record already settled, by a timeout or a dead daemon, is passed over), and a failure
// carries the record.
import type {
  GroupedResultsFields,
  PutRecordResultFields,
  PutRecordResultsFields,
} from '@kinesis-producer/protocol';
import { UserRecordFailedError } from './errors.js';
import type { Journal } from './journal.js';
import type { Attempt, UserRecordResult } from './types.js';

export function settleResult(journal: Journal, id: number, r: PutRecordResultFields): void {
  const p = journal.take(id);
  if (!p) return;
  // The decoded fields already have the public shape: no copy per record.
  const result: UserRecordResult = r;
  if (r.successful) p.resolve(result);
  else p.reject(new UserRecordFailedError(result, p.record));
}

/** The records of one Kinesis record that succeeded on their first attempt. */
export function settleResults(journal: Journal, b: PutRecordResultsFields): void {
  const { sourceIds, delays, shardId, sequenceNumber, duration } = b;
  // Records that arrived in the same millisecond have equal results: they share one frozen
  // result, so a batch of thousands costs few objects (each kept until the user drops it).
  let result: UserRecordResult | undefined;
  let lastDelay = -1;
  for (let i = 0; i < sourceIds.length; i++) {
    const p = journal.take(sourceIds[i]!);
    if (!p || p.succeedUnread()) continue;
    const delay = delays[i]!;
    if (delay !== lastDelay || result === undefined) {
      result = successResult(shardId, sequenceNumber, duration, delay);
      lastDelay = delay;
    }
    p.resolve(result);
  }
}

function successResult(
  shardId: string,
  sequenceNumber: string,
  duration: number,
  delay: number,
): UserRecordResult {
  const attempts: readonly Attempt[] = Object.freeze([
    Object.freeze({ delay, duration, successful: true }),
  ]);
  return Object.freeze({ successful: true, shardId, sequenceNumber, attempts });
}

// Per head of the group being settled (a group is settled in several slices): the last result
// made for it and that result's delay. Consecutive ids belong to different Kinesis records, so
// results are shared per head rather than with the previous record.
let group: GroupedResultsFields | undefined;
const headResults: (UserRecordResult | undefined)[] = [];
const headDelays: number[] = [];

/**
 * Records `from` to `to` of a turn's successes, in ascending id order: the journal's entries and
 * the records' promises are then visited in the order they were made, which is what keeps
 * settling from being one cache miss per record.
 */
export function settleGrouped(
  journal: Journal,
  g: GroupedResultsFields,
  from: number,
  to: number,
): void {
  if (group !== g) {
    group = g;
    headResults.length = 0;
    headDelays.length = 0;
  }
  const { sourceIds, headIndexes, delays, heads } = g;
  for (let i = from; i < to; i++) {
    const p = journal.take(sourceIds[i]!);
    // A record whose result nobody reads is settled without one: no result object is made.
    if (!p || p.succeedUnread()) continue;
    const h = headIndexes[i]!;
    const delay = delays[i]!;
    let result = headResults[h];
    if (result === undefined || headDelays[h] !== delay) {
      const head = heads[h]!;
      result = headResults[h] = successResult(
        head.shardId,
        head.sequenceNumber,
        head.duration,
        delay,
      );
      headDelays[h] = delay;
    }
    p.resolve(result);
  }
  // Done with it: the module does not keep the message alive.
  if (to === sourceIds.length) group = undefined;
}
