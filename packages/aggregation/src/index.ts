export {
  type AggregatableRecord,
  AggregatedRecordBuilder,
  aggregate,
} from './aggregated-record.js';
export { AGGREGATION_OVERHEAD, MAGIC } from './constants.js';
export {
  type DeaggregatedRecord,
  deaggregate,
  deaggregateLambdaRecord,
  isAggregated,
  type KinesisRecordLike,
  type LambdaKinesisEventRecord,
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
export type { KeySlot } from './key-table.js';
