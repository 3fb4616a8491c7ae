// Helpers for end-to-end tests that drive the real wrapper, daemon and an emulator.
import { randomBytes } from 'node:crypto';
import {
  KinesisProducer,
  type KinesisProducerOptions,
} from '../../packages/kinesis-producer/src/index.js';
import type { Emulator } from './emulators.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';
import { deaggregateAll, listAllShards, readAllRecords } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';

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
