export {
  type AggregatableRecord,
  AggregatedRecordBuilder,
  aggregate,
} from './aggregated-record.js';
export { AggregationArgumentError } from './argument-error.js';
export { AGGREGATION_OVERHEAD, MAGIC } from './constants.js';
export type {
  ConsumerRecord,
  KinesisRecordLike,
  LambdaKinesisEventRecord,
  SdkKinesisRecord,
} from './consumer-record.js';
export {
  type DeaggregatedRecord,
  type DeaggregateOptions,
  deaggregate,
  deaggregateLambdaRecord,
  isAggregated,
} from './deaggregate.js';
export {
  decodeGsrRecord,
  encodeGsrRecord,
  GSR_COMPRESSION_NONE,
  GSR_COMPRESSION_ZLIB,
  GSR_HEADER_SIZE,
  GSR_HEADER_VERSION,
  type GsrCompression,
  type GsrRecord,
  gsrHeader,
  isGsrRecord,
} from './gsr.js';
export {
  hashKeyOf,
  MAX_HASH_KEY,
  normalizeExplicitHashKey,
  parseExplicitHashKey,
} from './hash-key.js';
export type { KeySlot, KeyWriter } from './key-table.js';
export type { HashKeyRange } from './shard-range.js';
