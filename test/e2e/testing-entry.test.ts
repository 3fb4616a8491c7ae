// kinesis-producer/testing, as an application's test suite uses it: Kinesis started in the
// process, streams created, a producer wired to it, and what the producer delivered read back.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ValidationError } from '../../packages/kinesis-producer/src/index.js';
import { loadKinesalite } from '../../packages/kinesis-producer/src/testing/embedded-kinesis.js';
import {
  EmulatorMissingError,
  startTestKinesis,
  type TestKinesis,
  TestKinesisError,
} from '../../packages/kinesis-producer/src/testing/index.js';
import { localKinesisClient } from '../support/kinesis-client.js';
import { payload } from '../support/producer.js';
import { listAllShards } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

describe('startTestKinesis', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ streams: { orders: 3 } });
  });
  afterAll(async () => {
    await kinesis?.stop();
  });

  test('a producer from it delivers, and readRecords gives back every record once', async () => {
    const producer = kinesis.createProducer();
    const sent: SentRecord[] = [];
    const results = [];
    for (let i = 0; i < 2000; i++) {
      const rec: SentRecord = {
        partitionKey: `order-${i % 300}`,
        explicitHashKey: i % 50 === 0 ? String(BigInt(i) * 2n ** 110n) : undefined,
        data: payload(i, 20 + (i % 100)),
      };
      sent.push(rec);
      results.push(
        producer
          .addUserRecord('orders', rec.partitionKey, rec.data, rec.explicitHashKey)
          .then((r) => {
            rec.result = r;
          }),
      );
    }
    await producer.flushSync();
    await Promise.all(results);

    const read = await kinesis.readRecords('orders');
    // The read-back names the shard each record came from; check them against the stream's map.
    const client = localKinesisClient(kinesis.endpoint);
    const shards = await listAllShards(client, 'orders');
    client.destroy();
    verifyDelivery(
      sent,
      read.map((r) => ({ ...r, sequenceNumber: r.sequenceNumber!, data: Buffer.from(r.data) })),
      shards,
    );
    await producer.close();
  });

  test('createStream makes more streams; a producer can take its own options', async () => {
    await kinesis.createStream('audit');
    const producer = kinesis.createProducer({ aggregationEnabled: false });
    await Promise.all([
      producer.addUserRecord('audit', 'a', 'first'),
      producer.addUserRecord('audit', 'b', 'second'),
    ]);
    const read = await kinesis.readRecords('audit');
    expect(read.map((r) => [r.partitionKey, r.data.toString(), r.aggregated])).toEqual([
      ['a', 'first', false],
      ['b', 'second', false],
    ]);
    await expect(kinesis.createStream('audit')).rejects.toBeInstanceOf(TestKinesisError);
    await expect(kinesis.createStream('bad', 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(kinesis.readRecords('nowhere')).rejects.toThrow(/ResourceNotFoundException/);
  });
});

test('stop() destroys the producers it made and the endpoint goes away', async () => {
  const kinesis = await startTestKinesis({ streams: { s: 1 } });
  const producer = kinesis.createProducer({ recordMaxBufferedTime: 60_000 });
  const held = producer.addUserRecord('s', 'k', 'v');
  await kinesis.stop();
  await expect(held).rejects.toMatchObject({ code: 'ERR_PRODUCER_DESTROYED' });
  await expect(fetch(kinesis.endpoint)).rejects.toThrow();
});

test('without kinesalite installed, a clear error says what to install', async () => {
  const error = await loadKinesalite('kinesalite-not-installed-here').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmulatorMissingError);
  expect(error).toMatchObject({ code: 'ERR_EMULATOR_MISSING' });
  expect((error as Error).message).toContain(
    'npm install --save-dev kinesalite-not-installed-here',
  );
});
