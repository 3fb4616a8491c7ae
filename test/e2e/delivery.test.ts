// The core promise, on the real path: wrapper → daemon → HTTP → emulator, then every record
// read back, deaggregated independently and compared with what was sent.
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import {
  createStream,
  type Emulator,
  startKinesalite,
  startKinesisLocal,
} from '../support/emulators.js';
import {
  expectDelivered,
  payload,
  producerFor,
  producerWithShardMap,
} from '../support/producer.js';
import type { SentRecord } from '../support/verify.js';

const MiB = 1024 * 1024;

/** Mostly small records, some medium, and a few at the edges: 0 bytes and exactly 1 MiB. */
function sizeFor(i: number): number {
  if (i % 5000 === 0) return MiB;
  if (i % 5000 === 1) return MiB - 1;
  if (i % 997 === 0) return 0;
  if (i % 100 === 0) return randomInt(10_000, 200_000);
  return randomInt(1, 600);
}

function randomKey(): string {
  const k = randomBytes(randomInt(1, 24)).toString('base64url');
  // Some keys carry multi-byte characters, counted by code point, not by byte.
  return randomInt(10) === 0 ? `é${k}🎉` : k || 'k';
}

function randomHashKey(): string {
  return BigInt(`0x${randomBytes(16).toString('hex')}`).toString();
}

async function produce(
  endpoint: string,
  stream: string,
  count: number,
  options: Parameters<typeof producerFor>[1] = {},
  /** Send once the shard map is known, so that every record can be aggregated. */
  mapFirst = false,
): Promise<SentRecord[]> {
  const sent: SentRecord[] = [];
  let producer: KinesisProducer;
  if (mapFirst) {
    const ready = await producerWithShardMap(endpoint, stream, options);
    producer = ready.producer;
    sent.push(ready.first);
  } else {
    producer = producerFor(endpoint, options);
  }
  const done: Promise<unknown>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const rec: SentRecord = {
        partitionKey: randomKey(),
        explicitHashKey: i % 10 === 3 ? randomHashKey() : undefined,
        data: payload(i, sizeFor(i)),
      };
      sent.push(rec);
      done.push(
        producer
          .addUserRecord(stream, rec.partitionKey, rec.data, rec.explicitHashKey)
          .then((r) => {
            expect(r.successful).toBe(true);
            rec.result = r;
          }),
      );
      if (producer.getOutstandingRecordsCount() > 5000) await producer.waitForCapacity();
    }
    await producer.flushSync();
    await Promise.all(done);
    expect(producer.getOutstandingRecordsCount()).toBe(0);
    expect(producer.getOldestRecordTimeInMillis()).toBe(0);
  } finally {
    await producer.close();
  }
  return sent;
}

// Requests of several MiB can take an emulator more than the default 6 s to answer, on a busy
// machine or on kinesis-local (about 1 MiB/s): they would time out after being stored and come
// back as duplicates. What these tests check is exactly once, so requests may take their time.
const PATIENT = { requestTimeout: 120_000, recordTtl: 300_000 };
const SLOW = { ...PATIENT, maxConnections: 4 };
// These runs move tens of MiB through an emulator; on a busy machine kinesis-local takes minutes.
// The limit only catches a run that stalls: it is not a measure of speed.
const STALLED = 600_000;

describe.each([
  ['kinesalite', startKinesalite, 20_000, PATIENT],
  // Still every edge of sizeFor (records 0 and 1 are 1 MiB), at a quarter of the volume.
  ['kinesis-local', startKinesisLocal, 5_000, SLOW],
] as const)('delivery through %s', (_name, start, count, tuning) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test(
    `${count} records over 4 shards arrive exactly once, aggregated, where predicted`,
    async () => {
      await createStream(emu, 'agg', 4);
      const sent = await produce(emu.endpoint, 'agg', count, tuning, true);
      const check = await expectDelivered(emu, 'agg', sent);
      expect(check.duplicates).toBe(0);
      expect(check.userRecords).toBe(sent.length);
      // Aggregation must actually have packed records.
      expect(check.kinesisRecords).toBeLessThan(count / 10);
    },
    STALLED,
  );

  test(
    'with aggregation off every record is its own Kinesis record',
    async () => {
      await createStream(emu, 'plain', 4);
      const n = emu.kind === 'kinesalite' ? count : 2_000;
      const sent = await produce(emu.endpoint, 'plain', n, {
        ...tuning,
        aggregationEnabled: false,
      });
      const check = await expectDelivered(emu, 'plain', sent);
      expect(check.kinesisRecords).toBe(n);
      expect(check.duplicates).toBe(0);
    },
    STALLED,
  );
});
