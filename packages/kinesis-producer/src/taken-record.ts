// What the journal holds for every record taken and not yet settled, whichever call took it:
// what is sent (and sent again to a restarted daemon) and what the limits count. How a result
// reaches the caller is the subclass's business: a promise, or the put() listeners.
import type { CheckedRecord } from '@kinesis-producer/options';
import { type FrameChunk, type Framed, recordFromFrame } from './sent-frames.js';
import type { UserRecord } from './types.js';

export abstract class TakenRecord implements Framed {
  // Set when the record's frame is written; from then on the frame is the record (see
  // SentFrames).
  frame: FrameChunk | undefined = undefined;
  frameAt = 0;
  frameSize = 0;
  /**
   * The record's values while no frame holds them: only for a record that could not be written
   * when it was taken (no daemon running, or one crashing being looked for). A record written at
   * once never gets this object: its values went to the encoder in a shared one (see
   * RecordIntake), so the entry kept for every record in flight is three fields smaller.
   */
  source: CheckedRecord | undefined = undefined;

  constructor(
    /** Data plus partition key, as the byte limit counts them. */
    readonly bytes: number,
  ) {}

  dropSource(): void {
    this.source = undefined;
  }

  /**
   * The record as sent, built only when an error or a listener asks for it: read back from its
   * frame once written (a copy, with a copy of the data), from its values before.
   */
  protected asUserRecord(): UserRecord {
    if (this.frame !== undefined) return recordFromFrame(this.frame, this.frameAt, this.frameSize);
    const s = this.source!;
    return s.explicitHashKey === undefined
      ? { streamName: s.streamName, partitionKey: s.partitionKey, data: s.data }
      : {
          streamName: s.streamName,
          partitionKey: s.partitionKey,
          data: s.data,
          explicitHashKey: s.explicitHashKey,
        };
  }
}
