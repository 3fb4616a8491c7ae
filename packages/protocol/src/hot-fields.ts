import type { Interned } from './string-interner.js';

/** The fields of the two messages sent once per user record, as plain objects (no protobuf-es). */

export interface PutRecordFields {
  streamName: string;
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/** A PutRecord as decoded: its partition key also comes as the interner's entry for it. */
export interface DecodedPutRecord<K extends Interned = Interned> extends PutRecordFields {
  readonly partitionKeyEntry: K;
}

export interface AttemptFields {
  /** ms; uint32 */
  delay: number;
  /** ms; uint32 */
  duration: number;
  /** Named as users see it (`success` on the wire). */
  successful: boolean;
  errorCode?: string;
  errorMessage?: string;
}

export interface PutRecordResultFields {
  attempts: AttemptFields[];
  successful: boolean;
  shardId?: string;
  sequenceNumber?: string;
}
