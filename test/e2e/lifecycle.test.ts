// The life of a producer and of each record: the wrapper's own timeout, the record on every
// error, a graceful close() that refuses what comes during it, asyncDispose, and destroy().
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  BufferFullError,
  type KinesisProducer,
  ProducerClosedError,
  ProducerDestroyedError,
  UserRecordFailedError,
  UserRecordTimeoutError,
  ValidationError,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

/** Records that stay buffered in the daemon until flushed. */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000 };

let fake: FakeKinesis | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  await tearDown(producer, fake);
  producer = fake = undefined;
});

async function start(options: Parameters<typeof producerFor>[1]) {
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  producer = producerFor(fake.endpoint, options);
  return producer;
}

const daemonAlive = (p: KinesisProducer) => producerInternals(p).daemonAlive;

describe('userRecordTimeoutInMillis', () => {
  test('a record without a result in time rejects with the record; its late result is ignored', async () => {
    const logged: string[] = [];
    const log = (m: string) => logged.push(m);
    const p = await start({
      ...HOLD,
      // Long enough for a daemon still starting on a busy machine to answer the next record.
      userRecordTimeoutInMillis: 3000,
      logger: { warn: log, error: log },
    });
    const err = await p.addUserRecord('s', 'slow', 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserRecordTimeoutError);
    expect(err).toMatchObject({
      code: 'ERR_USER_RECORD_TIMEOUT',
      timeoutMs: 3000,
      userRecord: { streamName: 's', partitionKey: 'slow', data: 'data' },
    });
    expect(p.getOutstandingRecordsCount()).toBe(0);
    // A flush waits for the stream's first shard map: let it come first, so that the next
    // record's round trip does not include the daemon's first ListShards.
    await waitFor('the first ListShards', () => fake!.stats.byOperation.ListShards);
    // The daemon still has it: flushing delivers it, and its result finds no one waiting.
    const next = p.addUserRecord('s', 'next', 'data');
    const flushed = p.flushSync();
    await expect(next).resolves.toMatchObject({ successful: true });
    await flushed;
    expect(fake!.records('s').length).toBe(2);
    expect(logged).toEqual([]);
  });

  test('a record that timed out keeps its room until the daemon answers for it', async () => {
    // The daemon holds every record (60 s buffering) until it is flushed.
    // The held records time out for sure; the last one has ample time to get its result.
    const p = await start({ ...HOLD, userRecordTimeoutInMillis: 2000, maxOutstandingRecords: 5 });
    const sent = Array.from({ length: 5 }, (_, i) => ({
      streamName: 's',
      partitionKey: `k${i}`,
      data: Buffer.from(`held ${i}`),
    }));
    const timedOut = await Promise.all(
      sent.map((r) => p.addUserRecord(r).catch((e: unknown) => e)),
    );
    for (const e of timedOut) expect(e).toBeInstanceOf(UserRecordTimeoutError);
    expect(p.getOutstandingRecordsCount()).toBe(0);
    // Their promises are settled, but the daemon still holds them: no room for more.
    const refused = await p.addUserRecord('s', 'more', 'x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BufferFullError);
    expect(refused).toMatchObject({ outstandingRecords: 5, limit: 'maxOutstandingRecords' });
    // Once the daemon answers for them, the room comes back.
    const room = p.waitForCapacity();
    p.flush();
    await room;
    const last = { streamName: 's', partitionKey: 'after', data: Buffer.from('after the room') };
    const done = p.addUserRecord(last);
    await p.flushSync();
    await expect(done).resolves.toMatchObject({ successful: true });
    verifyDelivery([...sent, last], deaggregateAll(fake!.records('s')), fake!.shards('s'));
  });

  test('records that get their result in time are not affected', async () => {
    const p = await start({ userRecordTimeoutInMillis: 60_000 });
    const run = sendRecords(p, 's', 500);
    await run.done;
    expect(run.failed).toEqual([]);
  });
});

test('every way a record can fail carries the record', async () => {
  // returnUserRecordOnFailure is the KPL's switch for this; here the record is always attached.
  const p = await start({
    ...HOLD,
    failIfThrottled: true,
    maxOutstandingRecords: 2,
    returnUserRecordOnFailure: false,
  });
  const invalid = await p.addUserRecord('s', '', 'no key').catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(ValidationError);
  expect(invalid).toMatchObject({ userRecord: { data: 'no key' } });

  fake!.injectFaults({
    kind: 'partial',
    fraction: 1,
    errorCode: 'ProvisionedThroughputExceededException',
  });
  const throttled = p.addUserRecord('s', 'throttled', 'x').catch((e: unknown) => e);
  const held = p.addUserRecord('s', 'held', 'y').catch((e: unknown) => e);
  const full = await p.addUserRecord('s', 'full', 'z').catch((e: unknown) => e);
  expect(full).toBeInstanceOf(BufferFullError);
  expect(full).toMatchObject({ userRecord: { partitionKey: 'full' } });
  await p.flushSync();
  const failed = await throttled;
  expect(failed).toBeInstanceOf(UserRecordFailedError);
  expect(failed).toMatchObject({ userRecord: { partitionKey: 'throttled' } });
  // Sent in the same request, it failed the same way, with its own record.
  expect(await held).toMatchObject({ userRecord: { partitionKey: 'held' } });

  const late = p.addUserRecord('s', 'destroyed', 'w').catch((e: unknown) => e);
  await p.destroy();
  expect(await late).toBeInstanceOf(ProducerDestroyedError);
  expect(await late).toMatchObject({ userRecord: { partitionKey: 'destroyed' } });
  const after = await p.addUserRecord('s', 'after', 'v').catch((e: unknown) => e);
  expect(after).toMatchObject({ userRecord: { partitionKey: 'after' } });
});

describe('close()', () => {
  test('flushes and waits for every result, refuses records added meanwhile, then stops', async () => {
    const p = await start(HOLD);
    const run = sendRecords(p, 's', 300);
    const closing = p.close();
    expect(p.close()).toBe(closing);
    const during = await p.addUserRecord('s', 'during', 'x').catch((e: unknown) => e);
    expect(during).toBeInstanceOf(ProducerClosedError);
    expect(during).toMatchObject({ userRecord: { partitionKey: 'during' } });
    // Nobody waits forever for room in a closing producer.
    await p.waitForCapacity();
    await closing;
    await run.done;
    expect(run.failed).toEqual([]);
    expect(run.ok).toHaveLength(300);
    expect(daemonAlive(p)).toBe(false);
    await expect(p.addUserRecord('s', 'after', 'x')).rejects.toBeInstanceOf(ProducerClosedError);
    await expect(p.getMetrics()).rejects.toBeInstanceOf(ProducerClosedError);
  });

  test('Symbol.asyncDispose closes the same way', async () => {
    const p = await start(HOLD);
    const run = sendRecords(p, 's', 50);
    await p[Symbol.asyncDispose]();
    await run.done;
    expect(run.ok).toHaveLength(50);
    expect(daemonAlive(p)).toBe(false);
  });

  test('destroy() during close() stops at once; what was outstanding rejects', async () => {
    // Nothing can be sent: the endpoint refuses every connection.
    fake = await FakeKinesis.start({ streams: { s: 1 } });
    await fake.stop();
    const p = producerFor(fake.endpoint, HOLD);
    producer = p;
    fake = undefined;
    const pending = p.addUserRecord('s', 'k', 'v').catch((e: unknown) => e);
    const closing = p.close();
    await p.destroy();
    await closing;
    expect(await pending).toBeInstanceOf(ProducerDestroyedError);
    expect(daemonAlive(p)).toBe(false);
  });
});
