import type { Interned } from './string-interner.js';

/** The fields of the two messages sent once per user record, as plain objects (no protobuf-es). */

export interface PutRecordFields {
  streamName: string;
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/**
 * A PutRecord as decoded: its partition key also comes as the interner's entry for it, and its
 * data also as where it lies in the input (`data` makes a view of those bytes on each read).
 */
export interface DecodedPutRecord<K extends Interned = Interned> extends PutRecordFields {
  readonly partitionKeyEntry: K;
  /** The input the record was decoded from; its data is dataLength bytes from dataStart. */
  readonly dataBytes: Uint8Array;
  /** Where the partition key's UTF-8 bytes (partitionKeyEntry.byteLength of them) start in it. */
  readonly partitionKeyStart: number;
  readonly dataStart: number;
  readonly dataLength: number;
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
