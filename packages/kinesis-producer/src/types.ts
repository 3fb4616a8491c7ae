// The shapes users hand in and get back.

/** One record of putMany(): the stream is given once for the batch. */
export interface PutEntry {
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal integer in [0, 2^128 - 1]; overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
}

// The record and its schema are checked by code the standalone CLI shares.
export type { Schema, UserRecord } from '@kinesis-producer/options';

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
  /** Oldest first. Read-only: records that succeeded together may share one frozen list. */
  attempts: readonly Attempt[];
}
