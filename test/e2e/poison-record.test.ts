// A record whose handling crashes the daemon fails alone: after daemons crash twice with the same
// records outstanding, those records go out a few at a time, then one by one, and the one that
// still crashes a daemon alone fails with PoisonRecordError. Every other record arrives once.
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from '@jest/globals';
import {
  type KinesisProducer,
  PoisonRecordError,
  type UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const POISON_DAEMON = fileURLToPath(new URL('../support/poison-daemon.cjs', import.meta.url));
/** What poison-daemon.cjs crashes on. */
const MARKER = 'POISON-PILL-5b7e1c';
/**
 * Nothing goes out until flushed: a crashed daemon never sent what it held, so no record is
 * delivered twice, and every record counts as outstanding at each crash.
 */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000 };

let fake: FakeKinesis | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  await tearDown(producer, fake);
  producer = fake = undefined;
});

/** A producer on poison-daemon.cjs, restarting quickly, with its log lines kept. */
async function start(shards: number) {
  const kinesis = await FakeKinesis.start({ streams: { s: shards } });
  fake = kinesis;
  const logs: string[] = [];
  producer = producerFor(kinesis.endpoint, {
    ...HOLD,
    nativeExecutable: POISON_DAEMON,
    daemonRestartBackoffBase: 10,
    daemonRestartBackoffMax: 50,
    logger: { warn: (m) => logs.push(m), info: (m) => logs.push(m) },
  });
  return { p: producer, logs, fake: kinesis };
}

test('a record that crashes every daemon fails alone; the others arrive exactly once', async () => {
  const { p, logs, fake: kinesis } = await start(2);
  const records = Array.from({ length: 200 }, (_, i) => ({
    streamName: 's',
    partitionKey: `pk-${i}`,
    data: Buffer.from(i === 77 ? `record ${i} ${MARKER}` : `record ${i}`),
  }));
  const outcomes = await Promise.allSettled(records.map((r) => p.addUserRecord(r)));

  const poisoned = outcomes[77] as PromiseRejectedResult;
  expect(poisoned.status).toBe('rejected');
  expect(poisoned.reason).toBeInstanceOf(PoisonRecordError);
  expect(poisoned.reason).toMatchObject({
    code: 'ERR_POISON_RECORD',
    userRecord: records[77],
  });
  expect(poisoned.reason.crashes).toBeGreaterThanOrEqual(3);
  expect(poisoned.reason.message).toMatch(/crashed \d+ times while it held this record/);
  expect(poisoned.reason.cause.message).toMatch(/crashed the daemon on purpose/);
  const others = outcomes.filter((_, i) => i !== 77);
  expect(others.filter((o) => o.status === 'rejected')).toEqual([]);
  expect(logs.some((l) => /sending the 200 records outstanding a few at a time/.test(l))).toBe(
    true,
  );

  // The producer goes on as before, sending each record at once.
  const after = { streamName: 's', partitionKey: 'after', data: Buffer.from('after the poison') };
  const last = p.addUserRecord(after);
  await p.flushSync();
  await expect(last).resolves.toMatchObject({ successful: true });

  const sent = [...records.filter((_, i) => i !== 77), after].map((r, i) => ({
    ...r,
    result:
      i < others.length ? (others[i] as PromiseFulfilledResult<UserRecordResult>).value : undefined,
  }));
  verifyDelivery(sent, deaggregateAll(kinesis.records('s')), kinesis.shards('s'));
});

test('records added while the isolation runs wait for it, then go out', async () => {
  const { p, logs, fake: kinesis } = await start(1);
  const first = Array.from({ length: 20 }, (_, i) => ({
    streamName: 's',
    partitionKey: `a-${i}`,
    data: Buffer.from(i === 0 ? MARKER : `first ${i}`),
  }));
  const firstOutcomes = Promise.allSettled(first.map((r) => p.addUserRecord(r)));
  await waitFor('the isolation to begin', () => logs.some((l) => /a few at a time/.test(l)));
  const later = Array.from({ length: 30 }, (_, i) => ({
    streamName: 's',
    partitionKey: `b-${i}`,
    data: Buffer.from(`later ${i}`),
  }));
  // Added while the first records are isolated: they wait, whatever the groups' fate.
  const laterOutcomes = Promise.allSettled(later.map((r) => p.addUserRecord(r)));
  const a = await firstOutcomes;
  expect(a[0]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_POISON_RECORD' } });
  expect(a.slice(1).filter((o) => o.status === 'rejected')).toEqual([]);
  const flushed = p.flushSync();
  const b = await laterOutcomes;
  await flushed;
  expect(b.filter((o) => o.status === 'rejected')).toEqual([]);
  verifyDelivery(
    [...first.slice(1), ...later],
    deaggregateAll(kinesis.records('s')),
    kinesis.shards('s'),
  );
});
