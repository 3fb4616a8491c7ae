// Back-pressure: bounded outstanding records and bytes, BufferFullError at once past a limit,
// waitForCapacity(), the Writable with highWaterMark and drain, and a producer pushed past what
// its endpoint accepts that holds its limit. (What that costs in memory is measured, not tested:
// see docs/reliability.md.)
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  BufferFullError,
  type KinesisProducer,
  UserRecordFailedError,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { payload, producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

/** Records that stay buffered in the daemon until flushed. */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000 };

let fake: FakeKinesis | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  await tearDown(producer, fake);
  producer = fake = undefined;
});

async function start(options: Parameters<typeof producerFor>[1], shards = 2) {
  fake = await FakeKinesis.start({ streams: { s: shards } });
  producer = producerFor(fake.endpoint, options);
  return producer;
}

/** Whether a promise has settled, without waiting for it. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setImmediate(r));
  return settled;
}

describe('limits', () => {
  test('past maxOutstandingRecords a record is refused at once; waitForCapacity resolves with room', async () => {
    const p = await start({ ...HOLD, maxOutstandingRecords: 10 });
    const held = Array.from({ length: 10 }, (_, i) => p.addUserRecord('s', `k${i}`, `d${i}`));
    const refused = await p.addUserRecord('s', 'k10', 'd10').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BufferFullError);
    expect(refused).toMatchObject({
      limit: 'maxOutstandingRecords',
      outstandingRecords: 10,
      userRecord: { partitionKey: 'k10' },
    });
    expect(p.getOutstandingRecordsCount()).toBe(10);
    const room = p.waitForCapacity();
    expect(await isSettled(room)).toBe(false);
    // Flushes (again and again, until the shard map is known) and waits for the results.
    const flushed = p.flushSync();
    await room;
    // Room means the next add is taken.
    const next = p.addUserRecord('s', 'k11', 'd11');
    await flushed;
    await p.flushSync();
    await expect(next).resolves.toMatchObject({ successful: true });
    await Promise.all(held);
  });

  test('past maxOutstandingBytes a record is refused; one record always fits an empty producer', async () => {
    const p = await start({ ...HOLD, maxOutstandingBytes: 1024 });
    const big = p.addUserRecord('s', 'big', Buffer.alloc(4000));
    const refused = await p.addUserRecord('s', 'small', 'x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BufferFullError);
    expect(refused).toMatchObject({ limit: 'maxOutstandingBytes', outstandingBytes: 4003 });
    await p.flushSync();
    await expect(big).resolves.toMatchObject({ successful: true });
    await p.waitForCapacity();
    const small = p.addUserRecord('s', 'small', 'x');
    await p.flushSync();
    await expect(small).resolves.toMatchObject({ successful: true });
  });
});

describe('producer.writable()', () => {
  test('delivers objects, and strings with the partitionKey option; finish comes after every result', async () => {
    const p = await start({ maxOutstandingRecords: 50 });
    const w = p.writable('s', { partitionKey: (d) => `raw-${String(d).length}` });
    const sent: SentRecord[] = [];
    for (let i = 0; i < 500; i++) {
      const rec: SentRecord = { partitionKey: `key-${i}`, data: payload(i, 100) };
      sent.push(rec);
      if (!w.write({ partitionKey: rec.partitionKey, data: rec.data })) {
        await new Promise((r) => w.once('drain', r));
      }
    }
    w.write('bare string'); // partition key from the option: raw-11
    sent.push({ partitionKey: 'raw-11', data: Buffer.from('bare string') });
    const finished = new Promise((r) => w.once('finish', r));
    w.end();
    await finished;
    expect(w.pending).toBe(0);
    expect(w.succeeded).toBe(501);
    expect(w.failed).toBe(0);
    expect(p.getOutstandingRecordsCount()).toBe(0);
    verifyDelivery(sent, deaggregateAll(fake!.records('s')), fake!.shards('s'));
  });

  test('write() returns false at highWaterMark while the producer is full, and drain follows room', async () => {
    const p = await start({ ...HOLD, maxOutstandingRecords: 10 });
    const w = p.writable('s', { highWaterMark: 4 });
    const returns: boolean[] = [];
    for (let i = 0; i < 14; i++) returns.push(w.write({ partitionKey: `k${i}`, data: 'x' }));
    // Ten taken by the producer, then the stream buffers up to its highWaterMark of 4.
    expect(returns).toEqual([...Array(13).fill(true), false]);
    expect(p.getOutstandingRecordsCount()).toBe(10);
    expect(w.writableLength).toBe(4);
    const drained = new Promise((r) => w.once('drain', r));
    const flushed = p.flushSync();
    await drained;
    await flushed;
    const finished = new Promise((r) => w.once('finish', r));
    w.end();
    await p.flushSync();
    await finished;
    expect(w.succeeded).toBe(14);
  });

  test('a failed record is a recordFailed event carrying the record; the stream goes on', async () => {
    const p = await start({ failIfThrottled: true });
    fake!.injectFaults(
      { kind: 'partial', fraction: 1, errorCode: 'ProvisionedThroughputExceededException' },
      { times: 1 },
    );
    const w = p.writable('s');
    const failed: UserRecordFailedError[] = [];
    w.on('recordFailed', (e: UserRecordFailedError) => failed.push(e));
    w.write({ partitionKey: 'first', data: 'x' });
    await waitFor('the failure', () => failed.length === 1);
    expect(failed[0]).toBeInstanceOf(UserRecordFailedError);
    expect(failed[0]!.userRecord).toMatchObject({ streamName: 's', partitionKey: 'first' });
    w.write({ partitionKey: 'second', data: 'y' });
    const finished = new Promise((r) => w.once('finish', r));
    w.end();
    await finished;
    expect([w.succeeded, w.failed]).toEqual([1, 1]);
  });

  test('without a recordFailed listener the first failure destroys the stream with its error', async () => {
    const p = await start({ failIfThrottled: true });
    fake!.injectFaults(
      { kind: 'partial', fraction: 1, errorCode: 'ProvisionedThroughputExceededException' },
      { times: 1 },
    );
    const w = p.writable('s');
    const error = new Promise<Error>((r) => w.once('error', r));
    w.write({ partitionKey: 'first', data: 'x' });
    const err = await error;
    expect(err).toBeInstanceOf(UserRecordFailedError);
    expect(w.destroyed).toBe(true);
  });

  test('a chunk that is not a record is a failed record, not a crash', async () => {
    const p = await start({});
    const w = p.writable('s');
    const failed: Error[] = [];
    w.on('recordFailed', (e: Error) => failed.push(e));
    w.write(Buffer.from('no partition key option'));
    w.write({ partitionKey: '', data: 'empty key' });
    w.end();
    await new Promise((r) => w.once('finish', r));
    expect(failed.map((e) => (e as { field?: string }).field)).toEqual([
      'partitionKey',
      'partitionKey',
    ]);
  });
});

describe('pushed past what the endpoint accepts', () => {
  // Every request is refused until the test lets them through, so no record can settle: the
  // producer must fill up to its limit, hold it, and make the offers wait, whatever the speed.
  const LIMIT = 2000;

  test.each(['writable', 'loop'])(
    'through %s, the producer holds maxOutstandingRecords and no more; everything arrives after',
    async (mode) => {
      fake = await FakeKinesis.start({ streams: { s: 2 } });
      fake.injectFaults({ kind: 'status', status: 503 }, { probability: 1 });
      const p = producerFor(fake.endpoint, { maxOutstandingRecords: LIMIT, recordTtl: 120_000 });
      producer = p;
      const sent: SentRecord[] = Array.from({ length: 3 * LIMIT }, (_, i) => ({
        partitionKey: `pk-${i}`,
        data: payload(i, 1024),
      }));
      let offered = 0;
      let peak = 0;
      const outstanding = () => {
        const n = p.getOutstandingRecordsCount();
        peak = Math.max(peak, n);
        return n;
      };
      const offer = (r: SentRecord) => {
        offered++;
        outstanding();
        return r;
      };
      let done: Promise<unknown>;
      if (mode === 'writable') {
        const w = p.writable('s');
        const source = Readable.from(
          (function* () {
            for (const r of sent) yield { partitionKey: offer(r).partitionKey, data: r.data };
          })(),
        );
        done = pipeline(source, w).then(() => expect(w.succeeded).toBe(sent.length));
      } else {
        done = (async () => {
          const results: Promise<unknown>[] = [];
          for (const r of sent) {
            await p.waitForCapacity();
            offer(r);
            results.push(p.addUserRecord('s', r.partitionKey, r.data));
            outstanding();
          }
          await Promise.all(results);
        })();
      }
      await waitFor('the producer to fill', () => outstanding() === LIMIT);
      // Full, and the offers wait: in the loop exactly at the limit; through the stream, with at
      // most the stream's and the source's buffers on top (16 objects each by default).
      if (mode === 'loop') expect(offered).toBe(LIMIT);
      else expect(offered).toBeLessThanOrEqual(LIMIT + 40);
      expect(await isSettled(done)).toBe(false);
      expect(fake.stats.acceptedEntries).toBe(0);

      fake.clearFaults();
      await done;
      expect(offered).toBe(sent.length);
      expect(peak).toBe(LIMIT);
      verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
    },
  );
});
