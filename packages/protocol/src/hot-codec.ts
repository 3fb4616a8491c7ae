// The per-record codec: PutRecord and PutRecordResult by hand, byte-identical to protobuf-es
// (checked in hot-codec.test.ts); protobuf-es for the rest.
export {
  type PutRecordResultsFields,
  putRecordResultsSize,
  type ResultHeadFields,
  resultsHead,
  writePutRecordResults,
} from './batch-codec.js';
export { ProtocolDecodeError } from './decode-error.js';
export {
  type GroupedChunk,
  type GroupedResultsFields,
  type GroupedResultsSource,
  groupedResultsSize,
  planGroupedChunk,
  writeGroupedResults,
} from './grouped-codec.js';
export { type Decoded, decodeMessage } from './hot-decode.js';
export {
  encodeMessage,
  putRecordResultSize,
  putRecordSize,
  successResultSize,
  successTail,
  writePutRecord,
  writePutRecordResult,
  writeSuccessResult,
} from './hot-encode.js';
export type {
  AttemptFields,
  DecodedPutRecord,
  PutRecordFields,
  PutRecordResultFields,
} from './hot-fields.js';
export { type Interned, type MakeEntry, StringInterner } from './string-interner.js';
