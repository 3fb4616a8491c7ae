// A slow endpoint is not overloaded: the producer starts with one PutRecords request in flight
// and opens up to its pool's size (24) while answers come in time; while requests time out it
// halves the number it keeps in flight, wave after wave; once answers come in time again it
// widens the window and delivers everything. The fake is slowed deterministically: after FAST
// answers in time, its next STALLED answers are held longer than requestTimeout.
import { afterEach, expect, test } from '@jest/globals';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { payload, producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const FAST = 30;
const STALLED = 60;

test('requests that time out narrow the window of requests in flight; answers in time widen it', async () => {
  fake = await FakeKinesis.start({ streams: { s: 4 } });
  // Stored, then answered after the client gave up: as with a slow Kinesis, a resend duplicates.
  // A partial failure of no entry at all: FAST requests answered normally, then the stall.
  fake.injectFaults({ kind: 'partial', fraction: 0 }, { times: FAST });
  fake.injectFaults({ kind: 'stall', ms: 5_000 }, { times: STALLED });
  const producer = producerFor(fake.endpoint, {
    requestTimeout: 500,
    aggregationEnabled: false,
    collectionMaxCount: 10,
    recordTtl: 120_000,
  });
  const sent: SentRecord[] = [];
  try {
    await Promise.all(
      Array.from({ length: 2000 }, (_, i) => {
        const rec: SentRecord = { partitionKey: `k${i}`, data: payload(i, 50) };
        sent.push(rec);
        return producer.addUserRecord('s', rec.partitionKey, rec.data);
      }),
    );
  } finally {
    await producer.close();
  }
  const seen = fake.inFlightAtArrival;
  // One request first, then one more with each answer in time.
  expect(seen[0]).toBe(1);
  // The first stalled wave fills the open window (24); each wave that times out halves the next:
  // 24, 12, 6, 3, then one at a time. A request can meet the last wave's, whose connections the
  // client has closed but the server has not yet seen close.
  expect(Math.max(...seen.slice(FAST, FAST + 24))).toBeGreaterThan(12);
  expect(Math.max(...seen.slice(FAST + 48, FAST + STALLED))).toBeLessThanOrEqual(4);
  const { duplicates } = verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'), {
    allowDuplicates: true,
  });
  expect(duplicates).toBeLessThanOrEqual(STALLED * 10);
});
