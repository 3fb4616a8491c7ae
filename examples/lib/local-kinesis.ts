// Where the examples send their records. By default Kinesis runs inside the example
// (kinesis-producer/testing), so each runs with one command and no AWS account. With
// KINESIS_ENDPOINT set, the example uses that endpoint instead (its streams must exist there):
// the examples' tests use this to read back what an example produced after it has exited.
import type { KinesisProducerOptions } from 'kinesis-producer';
import { type ProducedRecord, startTestKinesis } from 'kinesis-producer/testing';

export interface LocalKinesis {
  endpoint: string;
  region: string;
  /** What points a KinesisProducer here. */
  producerOptions: KinesisProducerOptions;
  /** What is in a stream now, as user records; only when Kinesis runs inside the example. */
  readRecords?: (stream: string) => Promise<ProducedRecord[]>;
  stop(): Promise<void>;
}

export async function localKinesis(streams: Record<string, number>): Promise<LocalKinesis> {
  const endpoint = process.env.KINESIS_ENDPOINT;
  if (endpoint) {
    const region = process.env.AWS_REGION ?? 'us-east-1';
    return {
      endpoint,
      region,
      producerOptions: {
        region,
        kinesisEndpoint: endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        metricsLevel: 'none',
      },
      stop: async () => {},
    };
  }
  const kinesis = await startTestKinesis({ streams });
  return {
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    producerOptions: kinesis.producerOptions(),
    readRecords: (stream) => kinesis.readRecords(stream),
    stop: () => kinesis.stop(),
  };
}
