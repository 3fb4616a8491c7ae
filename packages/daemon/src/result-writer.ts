// Writes results to the wrapper: one PutRecordResult per record, or, when the wrapper asked for
// them, one PutRecordResults for the records of a Kinesis record that succeeded together, or
// GroupedResults for all the successes of a turn, in id order.
import {
  FRAME_HEADER_SIZE,
  type FrameWriter,
  groupedResultsSize,
  MAX_FRAME_SIZE,
  type PutRecordResultFields,
  planGroupedChunk,
  putRecordResultSize,
  putRecordResultsSize,
  resultsHead,
  successResultSize,
  successTail,
  writeGroupedResults,
  writePutRecordResult,
  writePutRecordResults,
  writeSuccessResult,
} from '@kinesis-producer/protocol';
import { capText } from './contained-error.js';
import { ms, type ResultSink } from './stream-pipelines.js';
import { TurnSuccesses } from './turn-successes.js';
import type { AttemptRecord } from './user-record.js';

/** Most results in one PutRecordResults message. */
const MAX_BATCH = 10_000;
/** Bytes of one GroupedResults frame, so it fits one chunk of the frame writer. */
const GROUP_BYTES = 64 * 1024 - FRAME_HEADER_SIZE;

export class ResultWriter implements ResultSink {
  /** Set from the configuration: the wrapper asked for PutRecordResults. */
  batched = false;
  /** Set from the configuration: the wrapper asked for GroupedResults (wins over `batched`). */
  grouped = false;
  private readonly turn = new TurnSuccesses();
  private batch: { attempt: AttemptRecord; ids: number[]; delays: number[] } | undefined;

  constructor(
    private readonly writer: FrameWriter,
    /** Message ids are shared with the router's other answers (metrics responses). */
    private readonly nextId: () => number,
    /** Told of every record answered (the router leaves once a drain is done). */
    private readonly afterResult: () => void,
  ) {}

  /**
   * With batched results (the wrapper asked for them), the records of one Kinesis record are
   * answered together: the retrier finishes them one after another, so a batch is open while the
   * same attempt comes in, and goes out at the latest when this turn's microtasks run.
   */
  success(sourceId: number, delay: number, attempt: AttemptRecord): void {
    this.afterResult();
    if (this.grouped) {
      if (this.turn.add(sourceId, delay, attempt)) queueMicrotask(this.flushBatchSoon);
      return;
    }
    if (!this.batched) {
      attempt.tail ??= successTail(attempt.shardId!, attempt.sequenceNumber!);
      this.successFrame(sourceId, delay, ms(attempt.end - attempt.start), attempt.tail);
      return;
    }
    let b = this.batch;
    if (b !== undefined && (b.attempt !== attempt || b.ids.length >= MAX_BATCH)) {
      this.flushBatch();
      b = undefined;
    }
    if (b === undefined) {
      b = this.batch = { attempt, ids: [], delays: [] };
      queueMicrotask(this.flushBatchSoon);
    }
    b.ids.push(sourceId);
    b.delays.push(delay);
  }

  private readonly flushBatchSoon = (): void => this.flushBatch();

  flushBatch(): void {
    if (this.turn.count > 0) this.flushTurn();
    const b = this.batch;
    if (b === undefined) return;
    this.batch = undefined;
    const a = b.attempt;
    const head = resultsHead(a.shardId!, a.sequenceNumber!, ms(a.end - a.start));
    const id = this.nextId();
    const n = b.ids.length;
    this.writer.frame(putRecordResultsSize(id, head, b.ids, b.delays, n), (buf, o) => {
      writePutRecordResults(buf, o, id, head, b.ids, b.delays, n);
    });
  }

  /** The turn's successes in id order, in messages that each fit one chunk of the writer. */
  private flushTurn(): void {
    const src = this.turn.take();
    const localOf = this.turn.localOf;
    for (let from = 0; from < src.order.length; ) {
      const chunk = planGroupedChunk(src, from, GROUP_BYTES, localOf);
      const id = this.nextId();
      this.writer.frame(groupedResultsSize(id, chunk), (buf, o) => {
        writeGroupedResults(buf, o, id, src, chunk, localOf);
      });
      from = chunk.to;
    }
  }

  private successFrame(sourceId: number, delay: number, duration: number, tail: Buffer): void {
    const id = this.nextId();
    this.writer.frame(successResultSize(id, sourceId, delay, duration, tail), (buf, o) => {
      writeSuccessResult(buf, o, id, sourceId, delay, duration, tail);
    });
  }

  result(sourceId: number, r: PutRecordResultFields): void {
    this.afterResult();
    const id = this.nextId();
    let size = putRecordResultSize(id, sourceId, r);
    if (size > MAX_FRAME_SIZE) {
      // Attempts are few and their texts capped, so this cannot happen; if it ever does, the
      // record still gets its answer rather than the writer throwing.
      r = shrinkResult(r);
      size = putRecordResultSize(id, sourceId, r);
    }
    this.writer.frame(size, (buf, o) => {
      writePutRecordResult(buf, o, id, sourceId, r);
    });
  }
}

/** The same outcome in few bytes: the last attempt, its texts short, and how many there were. */
function shrinkResult(r: PutRecordResultFields): PutRecordResultFields {
  const last = r.attempts[r.attempts.length - 1];
  return {
    ...r,
    shardId: r.shardId?.slice(0, 128),
    sequenceNumber: r.sequenceNumber?.slice(0, 128),
    attempts: [
      {
        delay: 0,
        duration: 0,
        successful: last?.successful ?? r.successful,
        errorCode: last?.errorCode?.slice(0, 128),
        errorMessage: capText(
          `the result of ${r.attempts.length} attempts was too large to send; the last: ${last?.errorMessage ?? ''}`,
          256,
        ),
      },
    ],
  };
}
