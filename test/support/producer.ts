// Helpers for end-to-end tests that drive the real wrapper, daemon and an emulator.
import { randomBytes } from 'node:crypto';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  type Logger,
} from '../../packages/kinesis-producer/src/index.js';
import type { Emulator } from './emulators.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';
import { deaggregateAll, listAllShards, readAllRecords } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';
import { waitFor } from './wait.js';

export function producerFor(
  endpoint: string,
  options: KinesisProducerOptions = {},
): KinesisProducer {
  return new KinesisProducer({
    region: TEST_REGION,
    kinesisEndpoint: endpoint,
    credentials: TEST_CREDENTIALS,
    ...options,
  });
}

/**
 * A producer whose daemon has read `stream`'s shard map. Records sent before the map is known go
 * out unaggregated and pass the rate limiter (it limits shards), however long the first
 * ListShards takes on a busy machine; tests that count aggregation or rate limiting start here.
 * The record that opened the stream is returned, to be checked with the others. Only the
 * warnings and errors reach `options.logger`.
 */
export async function producerWithShardMap(
  endpoint: string,
  stream: string,
  options: KinesisProducerOptions = {},
): Promise<{ producer: KinesisProducer; first: SentRecord }> {
  const ready = `stream ${stream}: shard map ready`;
  let mapped = false;
  const quiet = () => {};
  const user = options.logger;
  const logger: Logger = {
    trace: quiet,
    debug: (m) => {
      if (m.includes(ready)) mapped = true;
    },
    info: quiet,
    warn: (m) => user?.warn?.(m),
    error: (m) => user?.error?.(m),
  };
  const producer = producerFor(endpoint, { ...options, logLevel: 'debug', logger });
  const first: SentRecord = { partitionKey: 'opens-the-stream', data: Buffer.from('first') };
  first.result = await producer.addUserRecord(stream, first.partitionKey, first.data);
  await waitFor(`the shard map of ${stream}`, () => mapped);
  return { producer, first };
}

/**
 * What a test leaves behind, torn down in the order that loses nothing: the producer first (at
 * once, whatever it still holds), then the endpoint it was talking to.
 */
export async function tearDown(
  producer: KinesisProducer | undefined,
  endpoint: { stop(): Promise<void> } | undefined,
): Promise<void> {
  await producer?.destroy();
  await endpoint?.stop();
}

/** A payload that names the record, padded to `size` bytes, so every record is unique. */
export function payload(index: number, size: number): Buffer {
  const tag = Buffer.from(`#${index}#`);
  if (size <= tag.length) return size === 0 ? Buffer.alloc(0) : tag.subarray(0, size);
  const b = randomBytes(size);
  tag.copy(b, 0);
  return b;
}

/** Reads the whole stream back and checks every sent record against what arrived. */
export async function expectDelivered(
  emu: Emulator,
  stream: string,
  sent: SentRecord[],
  opts: { allowDuplicates?: boolean } = {},
) {
  const shards = await listAllShards(emu.client, stream);
  const stored = await readAllRecords(emu.client, stream);
  const found = deaggregateAll(stored);
  const check = verifyDelivery(sent, found, shards, opts);
  return { ...check, kinesisRecords: stored.length, userRecords: found.length };
}
