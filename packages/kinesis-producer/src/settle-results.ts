// What the daemon's answers do to the records waiting for them: each settles its record's promise
// once (a record already settled, by a timeout or a dead daemon, is passed over), and a failure
// carries the record.
import type { PutRecordResultFields, PutRecordResultsFields } from '@kinesis-producer/protocol';
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
    if (!p) continue;
    const delay = delays[i]!;
    if (delay !== lastDelay || result === undefined) {
      const attempts: readonly Attempt[] = Object.freeze([
        Object.freeze({ delay, duration, successful: true }),
      ]);
      result = Object.freeze({ successful: true, shardId, sequenceNumber, attempts });
      lastDelay = delay;
    }
    p.resolve(result);
  }
}
