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
  hashKeyOf,
  MAX_HASH_KEY,
  normalizeExplicitHashKey,
  parseExplicitHashKey,
} from './hash-key.js';
