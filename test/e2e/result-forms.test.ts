// The daemon answers in the form the wrapper asked for in its configuration. With
// grouped_results, a turn's first-attempt successes come as GroupedResults in ascending id order;
// retried records still get their full PutRecordResult. Every record is answered once, and each
// answer names the shard and sequence number the record was stored under.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from '@jest/globals';
import type {
  KinesisProducer,
  UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import type { Decoded } from '../../packages/protocol/src/index.js';
import {
  resultsFor,
  type runDaemon,
  sendNumbered,
  startDaemonFor,
} from '../support/daemon-process.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { verifyDelivery } from '../support/verify.js';

let fake: FakeKinesis | undefined;
let daemon: ReturnType<typeof runDaemon> | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  daemon?.kill();
  daemon = undefined;
  await tearDown(producer, fake);
  producer = undefined;
  fake = undefined;
});

const support = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));

const COUNT = 20_000;

/** Each record's result names where the fake stored it (sendNumbered's key k<i> is unique). */
function expectResultsMatchStorage(
  results: Awaited<ReturnType<typeof resultsFor>>,
  count = COUNT,
): void {
  const stored = deaggregateAll(fake!.records('s'));
  expect(stored).toHaveLength(count);
  for (const f of stored) {
    const r = results.get(Number(f.partitionKey.slice(1)))!;
    expect(r.successful).toBe(true);
    if (r.shardId !== f.shardId || r.sequenceNumber !== f.sequenceNumber) {
      throw new Error(
        `record ${f.partitionKey} is stored at ${f.shardId}/${f.sequenceNumber} but its result says ${r.shardId}/${r.sequenceNumber}`,
      );
    }
  }
}

function groupedMessages(messages: Decoded[]) {
  return messages.flatMap((m) => (m.kind === 'groupedResults' ? [m.results] : []));
}

test('grouped results: every success in GroupedResults, ids ascending in each, each where it was stored', async () => {
  fake = await FakeKinesis.start({ streams: { s: 8 } });
  const d = (daemon = startDaemonFor(fake.endpoint, { groupedResults: true }));
  const sent = sendNumbered(d, COUNT);
  const results = await resultsFor(d, COUNT);
  const kinds = new Set(d.messages.map((m) => m.kind));
  expect(kinds.has('putRecordResult')).toBe(false);
  expect(kinds.has('putRecordResults')).toBe(false);
  const groups = groupedMessages(d.messages);
  let answered = 0;
  for (const g of groups) {
    for (let k = 1; k < g.sourceIds.length; k++) {
      expect(g.sourceIds[k]!).toBeGreaterThan(g.sourceIds[k - 1]!);
    }
    answered += g.sourceIds.length;
  }
  expect(answered).toBe(COUNT);
  expectResultsMatchStorage(results);
  verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});

test('grouped results with throttling: retried records get their attempts, the rest come grouped, each once', async () => {
  // The first 3 Kinesis records the fake sees are refused: their user records succeed on the
  // second attempt and are answered one by one with both attempts.
  fake = await FakeKinesis.start({ streams: { s: 8 }, throttle: { firstEntries: 3 } });
  const d = (daemon = startDaemonFor(fake.endpoint, { groupedResults: true }));
  const sent = sendNumbered(d, COUNT);
  const results = await resultsFor(d, COUNT);
  const retried = [...results.values()].filter((r) => r.codes.length === 2);
  expect(retried.length).toBeGreaterThan(0);
  for (const r of retried) expect(r.codes).toEqual(['ProvisionedThroughputExceededException', '']);
  const grouped = groupedMessages(d.messages).reduce((n, g) => n + g.sourceIds.length, 0);
  expect(grouped + retried.length).toBe(COUNT);
  expectResultsMatchStorage(results);
  verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});

test('without the flag the daemon answers as before (PutRecordResults), never GroupedResults', async () => {
  fake = await FakeKinesis.start({ streams: { s: 8 } });
  const d = (daemon = startDaemonFor(fake.endpoint));
  const sent = sendNumbered(d, COUNT);
  const results = await resultsFor(d, COUNT);
  expect(groupedMessages(d.messages)).toHaveLength(0);
  expect(d.messages.some((m) => m.kind === 'putRecordResults')).toBe(true);
  expectResultsMatchStorage(results);
  verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});

describe('the wrapper settles every form a daemon may answer with', () => {
  test.each([
    ['older-daemon-batched.cjs', 'putRecordResults'],
    ['older-daemon-single.cjs', 'putRecordResult'],
  ])(
    'the stand-in %s answers with %s only, though asked for GroupedResults',
    async (script, kind) => {
      fake = await FakeKinesis.start({ streams: { s: 8 } });
      const d = (daemon = startDaemonFor(fake.endpoint, { groupedResults: true }, support(script)));
      const sent = sendNumbered(d, 2000);
      expectResultsMatchStorage(await resultsFor(d, 2000), 2000);
      expect(new Set(d.messages.map((m) => m.kind))).toEqual(new Set([kind]));
      verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
    },
  );

  test.each([
    ['GroupedResults (a daemon that knows them)', undefined],
    ['PutRecordResults (a daemon that predates GroupedResults)', 'older-daemon-batched.cjs'],
    ['one PutRecordResult per record (a daemon that knows neither)', 'older-daemon-single.cjs'],
  ])(
    '%s: a burst of addUserRecord resolves each with where it was stored',
    async (_, daemonScript) => {
      fake = await FakeKinesis.start({ streams: { s: 8 } });
      const p = (producer = producerFor(fake.endpoint, {
        nativeExecutable: daemonScript === undefined ? undefined : support(daemonScript),
      }));
      const sent = Array.from({ length: COUNT }, (_, i) => ({
        partitionKey: `k${i}`,
        data: Buffer.from(`record ${i}`),
      }));
      const promises = sent.map((r) => p.addUserRecord('s', r.partitionKey, r.data));
      const settled: UserRecordResult[] = await Promise.all(promises);
      expectResultsMatchStorage(
        new Map(
          settled.map((r, i) => [
            i,
            {
              successful: r.successful,
              codes: r.attempts.map((a) => a.errorCode ?? ''),
              messages: [],
              shardId: r.shardId,
              sequenceNumber: r.sequenceNumber,
            },
          ]),
        ),
      );
      verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
    },
  );
});
