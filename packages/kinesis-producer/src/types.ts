// The shapes users hand in and get back.

export interface UserRecord {
  streamName: string;
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal integer in [0, 2^128 - 1]; overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
}

export interface Attempt {
  /** Milliseconds between the previous attempt's end (or the record's arrival) and this start. */
  delay: number;
  /** Milliseconds the attempt took. */
  duration: number;
  successful: boolean;
  errorCode?: string;
  errorMessage?: string;
}

export interface UserRecordResult {
  successful: boolean;
  shardId?: string;
  sequenceNumber?: string;
  attempts: Attempt[];
}
