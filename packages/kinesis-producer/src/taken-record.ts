// What the journal holds for every record taken and not yet settled, whichever call took it:
// what is sent (and sent again to a restarted daemon) and what the limits count. How a result
// reaches the caller is the subclass's business: a promise, or the put() listeners.
import { type FrameChunk, type Framed, recordFromFrame } from './sent-frames.js';
import type { UserRecord } from './types.js';

const NO_DATA = new Uint8Array(0);

export abstract class TakenRecord implements Framed {
  // Set when the record's frame is written; from then on the frame is the record (see
  // SentFrames), and the key, data and explicit hash key fields are emptied so that the caller's
  // objects die young.
  frame: FrameChunk | undefined = undefined;
  frameAt = 0;
  frameSize = 0;

  constructor(
    readonly streamName: string,
    /** The caller's key until the frame is written, then ''. */
    public partitionKey: string,
    /** The caller's data until the frame is written, then empty. */
    public data: Uint8Array,
    /** Until the frame is written. */
    public explicitHashKey: string | undefined,
    /** Data plus partition key, as the byte limit counts them. */
    readonly bytes: number,
    /** performance.now() when it was taken, in whole ms; UNSTAMPED until the journal stamps it. */
    public createdAt: number,
  ) {}

  // The emptied fields keep their kinds (a string, a Uint8Array), so the object keeps its shape.
  dropSource(): void {
    this.partitionKey = '';
    this.data = NO_DATA;
    this.explicitHashKey = undefined;
  }

  /**
   * The record as sent, built only when an error or a listener asks for it: read back from its
   * frame once written (a copy, with a copy of the data), from the caller's objects before.
   */
  protected asUserRecord(): UserRecord {
    if (this.frame !== undefined) return recordFromFrame(this.frame, this.frameAt, this.frameSize);
    return this.explicitHashKey === undefined
      ? { streamName: this.streamName, partitionKey: this.partitionKey, data: this.data }
      : {
          streamName: this.streamName,
          partitionKey: this.partitionKey,
          data: this.data,
          explicitHashKey: this.explicitHashKey,
        };
  }
}
