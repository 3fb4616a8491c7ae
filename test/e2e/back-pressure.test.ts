// Back-pressure: bounded outstanding records and bytes, BufferFullError at once past a limit,
// waitForCapacity(), the Writable with highWaterMark and drain, and memory that stays under the
// bound docs/reliability.md states when the producer is pushed at 10× what the endpoint takes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
const PRESSURE_RUN = fileURLToPath(new URL('../support/pressure-run.ts', import.meta.url));

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

interface PressureResult {
  offered: number;
  succeeded: number;
  maxOutstanding: number;
  maxWrapperRss: number;
  startWrapperRss: number;
  maxDaemonRss: number;
}

function pressure(endpoint: string, mode: string, options: object): Promise<PressureResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', PRESSURE_RUN, endpoint, mode, '8', '20480', JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`pressure run exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as PressureResult);
    });
  });
}

describe('memory at 10× what the endpoint accepts', () => {
  // 2 shards at 1 MiB/s each take about 2,000 records of 1 KiB per second; 20,480 are offered.
  const RECORDS = 20_000;
  const RECORD_BYTES = 1024;
  const MB = 1e6;
  // docs/reliability.md: per process, 150 MB + 6 KiB per outstanding record + 3 × the
  // outstanding bytes. The wrapper's own base is measured at its start (this run loads tsx).
  const perRecords = RECORDS * 6 * 1024 + 3 * RECORDS * (RECORD_BYTES + 8);

  test.each(['writable', 'loop'])(
    'through %s, both processes stay under the stated bound',
    async (mode) => {
      fake = await FakeKinesis.start({
        streams: { s: 2 },
        store: false,
        throttle: { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024 },
      });
      const r = await pressure(fake.endpoint, mode, { maxOutstandingRecords: RECORDS });
      console.info(
        `${mode}: offered ${r.offered}, delivered ${r.succeeded}; peak RSS wrapper +${Math.round((r.maxWrapperRss - r.startWrapperRss) / MB)} MB, daemon ${Math.round(r.maxDaemonRss / MB)} MB (bound ${Math.round((150 * MB + perRecords) / MB)} MB)`,
      );
      // Pushed past what the endpoint accepts: the producer was full, and no fuller.
      expect(r.maxOutstanding).toBe(RECORDS);
      expect(r.offered).toBeGreaterThan(r.succeeded);
      expect(r.maxWrapperRss - r.startWrapperRss).toBeLessThan(perRecords);
      expect(r.maxDaemonRss).toBeGreaterThan(0);
      expect(r.maxDaemonRss).toBeLessThan(150 * MB + perRecords);
    },
  );
});
