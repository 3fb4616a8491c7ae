// The retrier stage (docs/architecture.md): reads each PutRecords outcome and decides, per user record, between done, try again
// and give up. Every decision leaves an attempt on the record, so the user sees all of them.
import { RecordErrorCode } from '@kinesis-producer/protocol';
import { type BackoffPolicy, backoffDelay } from '@kinesis-producer/transport';
import { now } from './clock.js';
import { DelayQueue } from './delay-queue.js';
import type { KinesisRecord } from './kinesis-record.js';
import type { PutRecordsBatch } from './put-records-batch.js';
import type { EntryResult, PutRecordsOutcome } from './put-records-client.js';
import {
  classify,
  type ErrorClass,
  FATAL_ATTEMPTS,
  FATAL_RETRY_DELAY_MS,
  refusesAnEntry,
} from './retry-policy.js';
import { type HashRange, type ShardMap, shardNumber } from './shard-map.js';
import type { UserRecord } from './user-record.js';

export interface RetrierOptions {
  failIfThrottled: boolean;
  recordMaxBufferedTime: number;
  /** Undefined: retry on the KPL's timing (half the buffering time, no backoff). */
  backoff?: BackoffPolicy;
}

/** Where the retrier's decisions go, by name rather than by position. */
export interface RetrierHandlers {
  /** Send the record again: back into the aggregator. */
  reput(ur: UserRecord): void;
  /** The record is done (succeeded or failed for good): its result goes to the wrapper. */
  finish(ur: UserRecord): void;
  /** Tells the rate limiter how each shard's sends fared. */
  shardFeedback?(shard: number, throttled: boolean): void;
}

export class Retrier {
  private readonly waiting: DelayQueue<UserRecord>;

  constructor(
    private readonly o: RetrierOptions,
    private readonly shards: ShardMap,
    private readonly to: RetrierHandlers,
  ) {
    this.waiting = new DelayQueue((ur) => this.resume(ur));
  }

  /** Records waiting out a backoff. */
  get backingOff(): number {
    return this.waiting.size;
  }

  onOutcome(batch: PutRecordsBatch, outcome: PutRecordsOutcome, start: number, end: number): void {
    if (!outcome.ok) {
      // The signer's clock was corrected from the service's: the next attempt will be accepted.
      const cls = outcome.clockCorrected
        ? 'transport'
        : classify(outcome.code, outcome.status, outcome.message);
      if (cls !== 'fatal' && refusesAnEntry(outcome.code, outcome.message)) {
        this.refused(batch, outcome.code, outcome.message, start, end);
        return;
      }
      for (const kr of batch.items) {
        if (cls === 'throttled') this.to.shardFeedback?.(kr.predictedShard, true);
        for (const ur of kr.items) this.failed(ur, outcome.code, outcome.message, start, end, cls);
      }
      return;
    }
    const results = outcome.records;
    if (results.length !== batch.count) {
      // The service answered for records it was not sent, or not for all: the ones sent may or
      // may not be stored. Sending again risks a duplicate; failing risks a loss. We send again.
      const msg = `PutRecords answered ${results.length} entries for ${batch.count} sent`;
      for (const kr of batch.items) {
        for (const ur of kr.items)
          this.failed(ur, RecordErrorCode.recordCountMismatch, msg, start, end, 'server');
      }
      return;
    }
    for (let i = 0; i < results.length; i++) this.entry(batch.items[i]!, results[i]!, start, end);
  }

  /**
   * The service refused the whole request for what an entry holds. One bad record must not keep
   * the others from Kinesis until their TTL: each is sent again alone. A record that was already
   * alone when refused fails at once, with the service's reason: sending it again cannot help.
   */
  private refused(
    batch: PutRecordsBatch,
    code: string,
    message: string,
    start: number,
    end: number,
  ): void {
    const alone = batch.count === 1 && batch.items[0]!.count === 1;
    for (const kr of batch.items) {
      for (const ur of kr.items) {
        ur.addAttempt({ start, end, success: false, errorCode: code, errorMessage: message });
        if (alone && ur.isolated) {
          this.to.finish(ur);
        } else {
          ur.isolated = true;
          this.again(ur, 0);
        }
      }
    }
  }

  /** A Kinesis record whose expiration passed before the rate limiter let it through. */
  expiredInLimiter(kr: KinesisRecord, held: boolean): void {
    const t = now();
    for (const ur of kr.items) {
      if (!ur.expired(t)) {
        // A neighbour in the same Kinesis record expired; this one still has time.
        this.to.reput(ur);
      } else if (held) {
        const failed = failedAttempts(ur);
        ur.addAttempt({
          start: t,
          end: t,
          success: false,
          errorCode: RecordErrorCode.expiredWaitingForRateLimit,
          errorMessage: `Record reached its TTL while waiting for the shard rate limit, after ${failed} failed attempt(s)`,
        });
        this.to.finish(ur);
      } else {
        this.expire(ur, t);
      }
    }
  }

  close(): void {
    this.waiting.close();
  }

  private entry(kr: KinesisRecord, r: EntryResult, start: number, end: number): void {
    if (r.errorCode !== undefined) {
      const cls = classify(r.errorCode, 0, r.errorMessage);
      if (cls === 'throttled') this.to.shardFeedback?.(kr.predictedShard, true);
      for (const ur of kr.items) this.failed(ur, r.errorCode, r.errorMessage, start, end, cls);
      return;
    }
    this.to.shardFeedback?.(kr.predictedShard, false);
    const actual = shardNumber(r.shardId);
    const range = this.shards.hashRange(actual);
    // Its records share one prediction: when that is where it landed, nothing is misrouted.
    const misrouted = kr.predictedShard !== actual && this.misrouted(kr, actual);
    if (range === undefined && misrouted) {
      // The aggregate landed on a shard the map does not know (a child of a split or merge, or
      // one closed since). Which of its records a consumer keeps depends on that shard's range:
      // learn it first, rather than resend records that are already where they belong.
      this.shards.invalidate(start, kr.predictedShard);
      this.shards.whenRangeKnown(actual, kr.expiration, (known) =>
        this.landed(kr, r, start, end, actual, misrouted, known),
      );
      return;
    }
    this.landed(kr, r, start, end, actual, misrouted, range);
  }

  /** Kinesis routes an entry by its first record's hash key: others may belong elsewhere. */
  private misrouted(kr: KinesisRecord, actual: number): boolean {
    const routing = kr.items[0]!.hashKey;
    // The shard numbers first: comparing hash keys reads each record's key text.
    return kr.items.some(
      (ur) => ur.predictedShard >= 0 && ur.predictedShard !== actual && ur.hashKey !== routing,
    );
  }

  /**
   * Settles the records of an entry stored on shard `actual`. A KCL consumer that finds any
   * member of an aggregated record outside the range of the shard holding it drops the whole
   * aggregate, members in range included. So an aggregate whose members that shard's own range
   * all holds is delivered, and one it does not wholly hold is sent again, every member of it.
   */
  private landed(
    kr: KinesisRecord,
    r: { shardId: string; sequenceNumber: string },
    start: number,
    end: number,
    actual: number,
    misrouted: boolean,
    range: HashRange | undefined,
  ): void {
    const predicted = kr.predictedShard;
    if (predicted >= 0 && predicted !== actual) this.shards.invalidate(start, predicted);
    if (misrouted) {
      if (range === undefined) {
        // Stored, but no listing named the shard before the TTL: whether a consumer keeps the
        // aggregate cannot be told, and it is too late to send it again.
        const t = now();
        for (const ur of kr.items) {
          ur.addAttempt({
            start,
            end: t,
            success: false,
            errorCode: RecordErrorCode.shardRangeUnknown,
            errorMessage: `Record was stored on ${r.shardId}, whose hash-key range could not be listed before the record's TTL; a KCL consumer may drop it there`,
          });
          this.to.finish(ur);
        }
        return;
      }
      const outside = kr.items.find((ur) => ur.hashKey < range.start || ur.hashKey > range.end);
      if (outside !== undefined) {
        const why = `Aggregated record landed on ${r.shardId}, which does not hold the hash key of every record in it (a KCL consumer drops it whole); predicted shard ${predicted}`;
        for (const ur of kr.items) {
          ur.addAttempt({
            start,
            end,
            success: false,
            errorCode: RecordErrorCode.wrongShard,
            errorMessage: why,
          });
          this.again(ur, 0);
        }
        return;
      }
    }
    // One attempt object for every record of the entry: it also carries their shared result.
    const ok = { start, end, success: true, shardId: r.shardId, sequenceNumber: r.sequenceNumber };
    const alone = Object.freeze([ok]);
    for (const ur of kr.items) {
      ur.addAttempt(ok, alone);
      this.to.finish(ur);
    }
  }

  private failed(
    ur: UserRecord,
    code: string,
    message: string,
    start: number,
    end: number,
    cls: ErrorClass,
  ): void {
    ur.addAttempt({ start, end, success: false, errorCode: code, errorMessage: message });
    if (cls === 'throttled' && this.o.failIfThrottled) {
      this.to.finish(ur);
      return;
    }
    const failures = countTrailingFailures(ur);
    const delay = this.o.backoff ? backoffDelay(this.o.backoff, failures) : 0;
    if (cls === 'fatal') {
      if (countTrailingFatal(ur) >= FATAL_ATTEMPTS) this.to.finish(ur);
      else this.again(ur, Math.max(delay, FATAL_RETRY_DELAY_MS));
      return;
    }
    this.again(ur, delay);
  }

  private again(ur: UserRecord, delay: number): void {
    const t = now();
    if (ur.expired(t)) {
      this.expire(ur, t);
      return;
    }
    const half = Math.floor(this.o.recordMaxBufferedTime / 2);
    if (delay <= half) {
      ur.deadline = Math.min(t + half, ur.expiration);
      this.to.reput(ur);
    } else {
      this.waiting.add(ur, Math.min(t + delay, ur.expiration));
    }
  }

  private resume(ur: UserRecord): void {
    const t = now();
    if (ur.expired(t)) {
      this.expire(ur, t);
      return;
    }
    ur.deadline = Math.min(t + Math.floor(this.o.recordMaxBufferedTime / 2), ur.expiration);
    this.to.reput(ur);
  }

  private expire(ur: UserRecord, t: number): void {
    const failed = failedAttempts(ur);
    ur.addAttempt(
      failed > 0
        ? {
            start: t,
            end: t,
            success: false,
            errorCode: RecordErrorCode.expiredAfterRetries,
            errorMessage: `Record reached its TTL after ${failed} failed attempt(s)`,
          }
        : {
            start: t,
            end: t,
            success: false,
            errorCode: RecordErrorCode.expiredBeforeSend,
            errorMessage: 'Record reached its TTL before it could be sent',
          },
    );
    this.to.finish(ur);
  }
}

// Counted by the record, which keeps only some of its attempts (see UserRecord.addAttempt).
function failedAttempts(ur: UserRecord): number {
  return ur.failedAttempts;
}

/** Failed attempts at the end whose error no retry fixes by itself. */
function countTrailingFatal(ur: UserRecord): number {
  let n = 0;
  for (let i = ur.attempts.length - 1; i >= 0; i--) {
    const a = ur.attempts[i]!;
    if (a.success || classify(a.errorCode ?? '', 0, a.errorMessage) !== 'fatal') break;
    n++;
  }
  return n;
}

function countTrailingFailures(ur: UserRecord): number {
  return ur.trailingFailures;
}
