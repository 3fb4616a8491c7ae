// What the journal holds for every record taken and not yet settled, whichever call took it:
// what is sent (and sent again to a restarted daemon) and what the limits count. How a result
// reaches the caller is the subclass's business: a promise, or the put() listeners.
import type { UserRecord } from './types.js';

export abstract class TakenRecord {
  constructor(
    readonly streamName: string,
    readonly partitionKey: string,
    readonly data: Uint8Array,
    readonly explicitHashKey: string | undefined,
    /** Data plus partition key, as the byte limit counts them. */
    readonly bytes: number,
    /** performance.now() when it was taken, in whole ms; UNSTAMPED until the journal stamps it. */
    public createdAt: number,
  ) {}

  /** The record as sent, built only when an error or a listener asks for it. */
  protected asUserRecord(): UserRecord {
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
