// The three ways of sending records that the benchmark compares, behind one small interface:
// - producer: this project's KinesisProducer (wrapper + daemon), aggregation on;
// - agg: what a Node user writes today: aws-kinesis-agg's RecordAggregator building aggregates of
//   up to 51,200 B (the KPL's default), sent in-process with the SDK's PutRecords;
// - agg-promise: the same, with a promise per record, for the shapes that await one;
// - sdk: the SDK's PutRecords with one Kinesis record per user record.
// Both baselines batch up to 500 entries or 5 MiB per call, keep up to 24 calls in flight (the
// producer's default maxConnections), and flush what they hold every 100 ms (its default
// recordMaxBufferedTime).
import type { KinesisProducerOptions } from '../../packages/kinesis-producer/dist/index.js';
import { AggBaseline, AggPromiseBaseline, SdkBaselinePlain } from './baseline-clients.js';
import type { BenchClient, ClientKind } from './bench-client.js';
import { ProducerClient } from './producer-client.js';

export {
  type BenchClient,
  type BenchRecord,
  type ClientKind,
  CREDENTIALS,
  REGION,
} from './bench-client.js';

export function createClient(
  kind: ClientKind,
  endpoint: string,
  stream: string,
  recordSize: number,
  producerOptions?: KinesisProducerOptions,
  retryThrottled = false,
  fireAndForget = false,
): BenchClient {
  switch (kind) {
    case 'producer':
      return new ProducerClient(endpoint, stream, recordSize, producerOptions, fireAndForget);
    case 'agg':
      return new AggBaseline(endpoint, stream);
    case 'agg-promise':
      return new AggPromiseBaseline(endpoint, stream);
    case 'sdk':
      return new SdkBaselinePlain(endpoint, stream, retryThrottled);
  }
}
