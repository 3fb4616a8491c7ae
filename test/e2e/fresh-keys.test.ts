// A fresh partition key per record, the most common choice. Past a table's worth of keys that
// never recur, the daemon stops keeping keys and decodes a key's text only when something needs
// it (a record sent alone, a retry that copies the record out of its input): every record must
// still arrive byte for byte, under its own key, retried ones included. (At least once: a request
// the fake stored but answered after the client gave up, on a loaded machine, is sent again.)
import { afterEach, describe, test } from '@jest/globals';
import type { UserRecordResult } from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { payload, producerWithShardMap } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

/** The daemon's key table holds 2^17 keys: the records past it go the not-kept way. */
const KEPT = 1 << 17;
const COUNT = KEPT + 30_000;

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

/** Unique keys, one in three with characters of two and three UTF-8 bytes. */
function keyOf(i: number): string {
  return i % 3 === 0 ? `clé-${i}-鍵` : `key-${i.toString(36)}-${i}`;
}

describe('a fresh key per record, past the keys the daemon keeps', () => {
  // An aggregated request holds few entries, so a larger share of them is refused (of two, one;
  // a lone entry always passes, so retries end).
  test.each([
    ['aggregated', true, 0.25],
    ['each record alone', false, 0.1],
  ] as const)('%s: every record arrives, retried ones too', async (_name, aggregation, share) => {
    fake = await FakeKinesis.start({ streams: { s: 4 } });
    const { producer, first } = await producerWithShardMap(fake.endpoint, 's', {
      aggregationEnabled: aggregation,
      recordTtl: 120_000,
      // All of them are handed over in one loop, then awaited.
      maxOutstandingRecords: COUNT + 1,
      // The fake answers in the test's own process: give a loaded machine time to answer, so
      // few requests are sent twice (those that still are only add duplicates, allowed below).
      requestTimeout: 60_000,
    });
    // Every request has a share of its entries refused: their records are retried, copied out of
    // the input they arrived in.
    fake.injectFaults({ kind: 'partial', fraction: share }, { probability: 1 });
    const sent: SentRecord[] = [first];
    const all: Promise<void>[] = [];
    try {
      for (let i = 0; i < COUNT; i++) {
        const rec: SentRecord = { partitionKey: keyOf(i), data: payload(i, 40 + (i % 60)) };
        sent.push(rec);
        all.push(
          producer.addUserRecord('s', rec.partitionKey, rec.data).then((r: UserRecordResult) => {
            rec.result = r;
          }),
        );
      }
      await Promise.all(all);
    } finally {
      await producer.close();
    }
    verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'), {
      allowDuplicates: true,
    });
    // Whether a given late record was retried depends on how many entries its request held,
    // which timing decides, so it is not asserted here; that a retried record keeps its key once
    // its input is gone is proven deterministically in user-record.test.ts and hex-hash-key.test.ts.
  });
});
