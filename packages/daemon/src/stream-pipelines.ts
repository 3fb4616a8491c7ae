// The daemon's core: a pipeline per stream, the shared HTTP clients, and the way results leave.
import { parseExplicitHashKey } from '@kinesis-producer/aggregation';
import {
  type DecodedPutRecord,
  isStreamArn,
  type PutRecordResultFields,
  RecordErrorCode,
  streamArnProblem,
  streamNameOf,
} from '@kinesis-producer/protocol';
import { now } from './clock.js';
import type { DaemonConfig } from './config.js';
import type { CredentialsHolder } from './credentials-holder.js';
import { FreshKeyRecord } from './fresh-key-record.js';
import { FRESH_KEY, hashKeyFromDecimal, type PartitionKeyInfo } from './hex-hash-key.js';
import { createControlClient, listShardsWith } from './kinesis-control.js';
import { log } from './log.js';
import type { Metrics } from './metrics/daemon-metrics.js';
import { Pipeline } from './pipeline.js';
import { PutRecordsClient } from './put-records-client.js';
import type { ListShards } from './shard-map.js';
import {
  type AttemptRecord,
  KEEP_FIRST_ATTEMPTS,
  KEEP_LAST_ATTEMPTS,
  UserRecord,
} from './user-record.js';
import { userAgent } from './version.js';

export interface ResultSink {
  result(sourceId: number, result: PutRecordResultFields): void;
  /**
   * The common case: one attempt, successful. `attempt` is the object every record of its
   * Kinesis record shares, so the sink can encode what they share once.
   */
  success(sourceId: number, delay: number, attempt: AttemptRecord): void;
}

export class StreamPipelines {
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly client: PutRecordsClient;
  private readonly listShards: ListShards;
  private readonly streamIds = new Map<string, string>();
  /** Each stream ARN seen, with what is wrong with it (undefined when nothing). */
  private readonly arnProblems = new Map<string, string | undefined>();
  private readonly control;

  constructor(
    private readonly c: DaemonConfig,
    creds: CredentialsHolder,
    private readonly sink: ResultSink,
    private readonly metrics?: Metrics,
  ) {
    const ua = userAgent();
    this.client = new PutRecordsClient(c, creds, ua);
    this.control = createControlClient(c, creds, ua);
    this.listShards = listShardsWith(this.control);
  }

  get outstanding(): number {
    let n = 0;
    for (const p of this.pipelines.values()) n += p.outstanding;
    return n;
  }

  /**
   * `arrival` is when the record arrived; the frame router reads the clock once per input chunk
   * and passes that (see FrameRouter.frame).
   */
  put(id: number, r: DecodedPutRecord<PartitionKeyInfo>, arrival = now()): void {
    const ehk =
      r.explicitHashKey !== undefined ? parseExplicitHashKey(r.explicitHashKey) : undefined;
    const invalid = this.check(r, ehk);
    if (invalid) {
      // The wrapper validates first; a record that still gets here fails alone, loudly.
      const tooLarge = r.dataLength > this.c.maxUserRecordSize;
      this.sink.result(id, {
        successful: false,
        attempts: [
          {
            delay: 0,
            duration: 0,
            successful: false,
            errorCode: tooLarge ? RecordErrorCode.recordTooLarge : RecordErrorCode.invalidRecord,
            errorMessage: invalid,
          },
        ],
      });
      log.warn(`record ${id} rejected: ${invalid}`);
      return;
    }
    // The decoder's entry for the key carries its hash key and its slot in the aggregate's table.
    const key = r.partitionKeyEntry;
    if (key === FRESH_KEY) {
      // A key the interner does not keep: the record is its entry (fresh-key-record.ts).
      this.pipeline(r.streamName).put(
        new FreshKeyRecord(
          id,
          ehk === undefined ? undefined : ehk.toString(),
          r,
          ehk === undefined ? undefined : hashKeyFromDecimal(ehk),
          arrival,
          this.c.recordMaxBufferedTime,
          this.c.recordTtl,
        ),
      );
      return;
    }
    const hashKey = ehk === undefined ? key : hashKeyFromDecimal(ehk);
    const ur = new UserRecord(
      id,
      key,
      ehk === undefined ? undefined : ehk.toString(),
      r,
      hashKey,
      arrival,
      this.c.recordMaxBufferedTime,
      this.c.recordTtl,
    );
    this.pipeline(r.streamName).put(ur);
  }

  flush(stream?: string): void {
    if (stream) this.pipeline(stream).flush();
    else for (const p of this.pipelines.values()) p.flush();
  }

  /** The input ended: every pipeline sends what it holds without waiting for more. */
  drain(): void {
    for (const p of this.pipelines.values()) p.drain();
  }

  setStreamId(stream: string, streamId: string): void {
    this.streamIds.set(stream, streamId);
    this.pipeline(stream).streamId = streamId;
  }

  async close(): Promise<void> {
    for (const p of this.pipelines.values()) p.close();
    this.control.destroy();
    this.metrics?.close();
    await this.client.close();
  }

  /** `ehk` is the record's explicit hash key as parsed: undefined when absent or not valid. */
  private check(
    r: DecodedPutRecord<PartitionKeyInfo>,
    ehk: bigint | undefined,
  ): string | undefined {
    if (r.dataLength > this.c.maxUserRecordSize) {
      return `data must be at most maxUserRecordSize (${this.c.maxUserRecordSize}) bytes, got ${r.dataLength}`;
    }
    if (!r.streamName) return 'stream name is empty';
    if (isStreamArn(r.streamName)) {
      // The wrapper checks ARNs too, but not those added while the region was still unknown.
      let problem = this.arnProblems.get(r.streamName);
      if (!this.arnProblems.has(r.streamName)) {
        problem = streamArnProblem(r.streamName, this.c.region);
        this.arnProblems.set(r.streamName, problem);
      }
      if (problem !== undefined) return problem;
    }
    const keyProblem = r.partitionKeyEntry.problem;
    if (keyProblem !== undefined) return keyProblem;
    if (r.explicitHashKey !== undefined && ehk === undefined) {
      return 'explicit hash key must be a decimal integer from 0 to 2^128-1';
    }
    return undefined;
  }

  private pipeline(stream: string): Pipeline {
    let p = this.pipelines.get(stream);
    if (!p) {
      // A stream given by ARN is counted under its name (docs/configuration.md, "Streams by ARN").
      const m = this.metrics?.stream(streamNameOf(stream));
      p = new Pipeline(
        stream,
        this.c,
        this.listShards,
        this.client,
        (ur) => this.report(ur),
        m,
        this.streamIds.get(stream),
      );
      if (m) {
        // The same name may also be used without its ARN: the pipelines then share one count.
        const others = m.pending;
        m.pending = () => others() + p!.outstanding;
      }
      this.pipelines.set(stream, p);
    }
    return p;
  }

  private report(ur: UserRecord): void {
    const first = ur.attempts[0];
    if (ur.attempts.length === 1 && first!.success) {
      this.sink.success(ur.sourceId, ms(first!.start - ur.arrival), first!);
      return;
    }
    this.reportAttempts(ur);
  }

  /**
   * Apart from report() on purpose: its closure captures the record, and a function whose
   * parameter a closure captures allocates a context on every call, the one-attempt success of
   * nearly every record included (48 bytes per record, measured).
   */
  private reportAttempts(ur: UserRecord): void {
    const kept = ur.attempts;
    const o = ur.omitted;
    // Attempts dropped in between are one entry, so the result still tells how many there were.
    const list: readonly AttemptRecord[] =
      o === undefined
        ? kept
        : [
            ...kept.slice(0, KEEP_FIRST_ATTEMPTS),
            {
              start: o.start,
              end: o.end,
              success: false,
              errorCode: RecordErrorCode.attemptsOmitted,
              errorMessage: `${o.count} attempts omitted (${ur.attemptCount} in all; the first ${KEEP_FIRST_ATTEMPTS} and the last ${KEEP_LAST_ATTEMPTS} are listed)`,
            },
            ...kept.slice(KEEP_FIRST_ATTEMPTS),
          ];
    const attempts = list.map((a, i) => {
      const before = i === 0 ? ur.arrival : list[i - 1]!.end;
      return {
        delay: ms(a.start - before),
        duration: ms(a.end - a.start),
        successful: a.success,
        errorCode: a.success ? undefined : (a.errorCode ?? ''),
        errorMessage: a.success ? undefined : (a.errorMessage ?? ''),
      };
    });
    const success = attempts.length > 0 && attempts[attempts.length - 1]!.successful;
    this.sink.result(ur.sourceId, {
      successful: success,
      attempts,
      shardId: success ? ur.shardId : undefined,
      sequenceNumber: success ? ur.sequenceNumber : undefined,
    });
  }
}

export function ms(x: number): number {
  return x > 0 ? Math.min(Math.trunc(x), 0xffffffff) : 0;
}
