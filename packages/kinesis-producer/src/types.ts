// The shapes users hand in and get back.

/** One record of putMany(): the stream is given once for the batch. */
export interface PutEntry {
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal integer in [0, 2^128 - 1]; overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
}

export interface UserRecord {
  streamName: string;
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal integer in [0, 2^128 - 1]; overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
  /**
   * Send through the AWS Glue Schema Registry: `data` (already serialized in this schema's format)
   * goes out with the GSR header that names the schema version (docs/schema-registry.md).
   */
  schema?: Schema;
}

/** A schema of the AWS Glue Schema Registry, as the KPL's `Schema`. */
export interface Schema {
  /** The schema's name in the registry. */
  name: string;
  /** The schema definition text (an Avro schema, a JSON Schema or a .proto file). */
  definition: string;
  dataFormat: 'AVRO' | 'JSON' | 'PROTOBUF';
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
  /** Oldest first. Read-only: records that succeeded together may share one frozen list. */
  attempts: readonly Attempt[];
}
