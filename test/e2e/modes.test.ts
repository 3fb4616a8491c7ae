// Aggregation modes and record-size limits, on the real path.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ValidationError } from '../../packages/kinesis-producer/src/index.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { kclView } from '../support/kcl-view.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import { deaggregateAll, listAllShards, readAllRecords } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

const MiB = 1024 * 1024;

async function send(
  producer: ReturnType<typeof producerFor>,
  stream: string,
  records: SentRecord[],
): Promise<void> {
  await Promise.all(
    records.map((r) =>
      producer.addUserRecord(stream, r.partitionKey, r.data, r.explicitHashKey).then((res) => {
        r.result = res;
      }),
    ),
  );
}

describe('aggregation modes', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startKinesalite();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test('by partition key: each Kinesis record holds one key, and a KCL reader keeps them all', async () => {
    await createStream(emu, 'pk', 4);
    // Records of one key are packed as long as they wait together: long enough that a busy
    // machine, which hands them to the daemon more slowly, packs as many.
    const producer = producerFor(emu.endpoint, {
      aggregationMode: 'partitionKey',
      recordMaxBufferedTime: 2000,
    });
    const sent: SentRecord[] = Array.from({ length: 20_000 }, (_, i) => ({
      partitionKey: `device-${i % 400}`,
      explicitHashKey: i % 1000 === 0 ? '12345' : undefined,
      data: payload(i, 30 + (i % 90)),
    }));
    try {
      await send(producer, 'pk', sent);
    } finally {
      await producer.close();
    }
    const shards = await listAllShards(emu.client, 'pk');
    const stored = await readAllRecords(emu.client, 'pk');
    const found = deaggregateAll(stored);
    expect(kclView(found, shards).dropped).toHaveLength(0);
    verifyDelivery(sent, found, shards);
    const keysPerRecord = new Map<string, Set<string>>();
    for (const f of found) {
      const set = keysPerRecord.get(f.sequenceNumber) ?? new Set();
      set.add(`${f.partitionKey}/${f.explicitHashKey ?? ''}`);
      keysPerRecord.set(f.sequenceNumber, set);
    }
    expect([...keysPerRecord.values()].every((s) => s.size === 1)).toBe(true);
    // An aggregate keeps its key as the Kinesis record's partition key.
    const aggregated = stored.filter((s) =>
      s.data.subarray(0, 4).equals(Buffer.from('f3899ac2', 'hex')),
    );
    expect(aggregated.length).toBeGreaterThan(0);
    expect(
      aggregated.filter((s) => !s.partitionKey.startsWith('device-')).map((s) => s.partitionKey),
    ).toEqual([]);
    expect(stored.length).toBeLessThan(sent.length / 5);
  });

  test('off: one Kinesis record per user record', async () => {
    await createStream(emu, 'off', 2);
    const producer = producerFor(emu.endpoint, { aggregationEnabled: false });
    const sent: SentRecord[] = Array.from({ length: 3000 }, (_, i) => ({
      partitionKey: `k-${i % 10}`,
      data: payload(i, 50),
    }));
    try {
      await send(producer, 'off', sent);
    } finally {
      await producer.close();
    }
    const check = await expectDelivered(emu, 'off', sent);
    expect(check.kinesisRecords).toBe(sent.length);
  });

  test('the default limits: 1 MiB of data is the most a record may carry', async () => {
    await createStream(emu, 'mib', 1);
    const producer = producerFor(emu.endpoint);
    try {
      await expect(
        producer.addUserRecord('mib', 'k', Buffer.alloc(MiB + 1)),
      ).rejects.toBeInstanceOf(ValidationError);
      const sent: SentRecord[] = [
        { partitionKey: 'big', data: payload(1, MiB) },
        { partitionKey: 'small', data: payload(2, 10) },
      ];
      await send(producer, 'mib', sent);
      await expectDelivered(emu, 'mib', sent);
    } finally {
      await producer.close();
    }
  });
});

test('larger records when configured: 10 MiB records and 10 MiB requests', async () => {
  const fake = await FakeKinesis.start({
    streams: { big: 2 },
    maxRecordBytes: 10 * MiB,
    maxRequestBytes: 10 * MiB,
  });
  const producer = producerFor(fake.endpoint, {
    maxUserRecordSize: 10 * MiB,
    collectionMaxSize: 10 * MiB,
    aggregationMaxSize: 10 * MiB,
  });
  try {
    await expect(
      producer.addUserRecord('big', 'k', Buffer.alloc(10 * MiB + 1)),
    ).rejects.toBeInstanceOf(ValidationError);
    const sent: SentRecord[] = [
      { partitionKey: 'p', data: payload(0, 10 * MiB - 8) },
      { partitionKey: 'q', data: payload(1, 3 * MiB) },
      ...Array.from({ length: 200 }, (_, i) => ({
        partitionKey: `s${i}`,
        data: payload(i + 2, 2000),
      })),
    ];
    await send(producer, 'big', sent);
    verifyDelivery(sent, deaggregateAll(fake.records('big')), fake.shards('big'));
  } finally {
    await producer.close();
    await fake.stop();
  }
});
