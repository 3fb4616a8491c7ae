// The fire-and-forget API on the real path: put() and putMany() take records without a promise,
// every record arrives, results reach the opt-in success listener, and every failure reaches the
// failure listener with its record and full result, or makes flushSync() and close() reject.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  BufferFullError,
  type KinesisProducer,
  type PutFailure,
  UserRecordFailedError,
  type UserRecordResult,
  ValidationError,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const PUT_SCRIPT = fileURLToPath(new URL('../support/put-script.ts', import.meta.url));

/**
 * Sent records by their data's bytes (each record's are distinct): the listener hands back a
 * copy of the record, equal to what was put, not the caller's objects.
 */
function ledger() {
  const sent: SentRecord[] = [];
  const byBytes = new Map<string, SentRecord>();
  const make = (i: number, size = 100): SentRecord => {
    const rec: SentRecord = { partitionKey: `key-${i % 500}`, data: payload(i, size) };
    sent.push(rec);
    byBytes.set(hex(rec.data), rec);
    return rec;
  };
  const byData = { get: (data: Uint8Array) => byBytes.get(hex(data)) };
  return { sent, byData, make };
}

function hex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

describe('put() and putMany() against kinesalite', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startKinesalite();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  test('every record arrives, and an opt-in listener gets each result', async () => {
    await createStream(emu, 'fire', 4);
    const producer = producerFor(emu.endpoint);
    const { sent, byData, make } = ledger();
    const failures: PutFailure[] = [];
    let successes = 0;
    producer.onPutFailure((f) => failures.push(f));
    producer.onPutSuccess((record, result) => {
      successes++;
      const rec = byData.get(record.data as Uint8Array);
      expect(rec).toBeDefined();
      expect(rec!.result).toBeUndefined();
      expect(record.streamName).toBe('fire');
      expect(record.partitionKey).toBe(rec!.partitionKey);
      rec!.result = result;
    });
    try {
      for (let i = 0; i < 10_000; i++) {
        const rec = make(i);
        producer.put('fire', rec.partitionKey, rec.data);
      }
      for (let b = 0; b < 20; b++) {
        const batch = Array.from({ length: 500 }, (_, j) => make(10_000 + b * 500 + j));
        expect(producer.putMany('fire', batch)).toBe(500);
      }
      await producer.flushSync();
    } finally {
      await producer.close();
    }
    expect(failures).toEqual([]);
    expect(successes).toBe(20_000);
    for (const rec of sent) expect(rec.result?.sequenceNumber).toBeDefined();
    // The reported shard and sequence number of each are checked against where it was found.
    const check = await expectDelivered(emu, 'fire', sent);
    expect(check.userRecords).toBe(20_000);
    expect(check.duplicates).toBe(0);
  });

  test('back-pressure: put() throws BufferFullError, putMany() takes what fits', async () => {
    await createStream(emu, 'full', 2);
    const producer = producerFor(emu.endpoint, { maxOutstandingRecords: 1000 });
    const { sent, make } = ledger();
    producer.onPutFailure((f) => {
      throw f;
    });
    let refused = 0;
    try {
      // Results are only read between turns, so within this loop the producer fills at 1000.
      for (let i = 0; i < 1000; i++) {
        const rec = make(i);
        producer.put('full', rec.partitionKey, rec.data);
      }
      const extra = { partitionKey: 'extra', data: Buffer.from('not taken') };
      expect(() => producer.put('full', extra.partitionKey, extra.data)).toThrow(BufferFullError);
      await producer.waitForCapacity();
      // From here a batch larger than the room left is taken in parts.
      const batch = Array.from({ length: 5000 }, (_, j) => make(1000 + j));
      let from = 0;
      while (from < batch.length) {
        const taken = producer.putMany('full', batch.slice(from));
        if (from + taken < batch.length) refused++;
        from += taken;
        if (from < batch.length) await producer.waitForCapacity();
      }
      await producer.flushSync();
    } finally {
      await producer.close();
    }
    expect(refused).toBeGreaterThan(0);
    const check = await expectDelivered(emu, 'full', sent);
    expect(check.userRecords).toBe(6000);
    expect(check.duplicates).toBe(0);
  });

  test('bad input throws a ValidationError naming the field; putMany names the record', async () => {
    await createStream(emu, 'bad', 1);
    const producer = producerFor(emu.endpoint);
    const { sent, make } = ledger();
    try {
      const err = (() => {
        try {
          producer.put('bad', 'k'.repeat(257), 'x');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('partitionKey');
      const batch = [make(0), make(1), { partitionKey: 'k', data: 42 as unknown as string }];
      let batchErr: unknown;
      try {
        producer.putMany('bad', batch);
      } catch (e) {
        batchErr = e;
      }
      expect(batchErr).toBeInstanceOf(ValidationError);
      expect((batchErr as ValidationError).field).toBe('records[2].data');
      expect((batchErr as Error).message).toMatch(/records\[2\]\.data.*Uint8Array/);
      expect(() => producer.putMany('bad', [null as never])).toThrow(/records\[0\]/);
      expect(() => producer.putMany('bad', 'x' as never)).toThrow(ValidationError);
      expect(() => producer.onPutFailure(42 as never)).toThrow(ValidationError);
      // The records before the bad one were taken.
      expect(producer.getOutstandingRecordsCount()).toBe(2);
      await producer.flushSync();
    } finally {
      await producer.close();
    }
    await expect(expectDelivered(emu, 'bad', sent)).resolves.toMatchObject({ duplicates: 0 });
  });
});

describe('put() records and a daemon that dies', () => {
  let fake: FakeKinesis | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  test('records without a result go to the new daemon and all arrive', async () => {
    fake = await FakeKinesis.start({ streams: { s: 2 } });
    // Held in the daemon until flushed, so the kill finds records it has taken and not sent.
    const producer = producerFor(fake.endpoint, {
      recordMaxBufferedTime: 60_000,
      recordTtl: 120_000,
    });
    const internals = producerInternals(producer);
    const { sent, make } = ledger();
    const failures: PutFailure[] = [];
    producer.onPutFailure((f) => failures.push(f));
    try {
      for (let i = 0; i < 2000; i++) {
        const rec = make(i);
        producer.put('s', rec.partitionKey, rec.data);
      }
      await waitFor('records read by the daemon', () => internals.pendingBytes === 0);
      const first = internals.daemonPid!;
      process.kill(first, 'SIGKILL');
      await waitFor('a new daemon', () => internals.daemonPid! !== first);
      expect(producer.getOutstandingRecordsCount()).toBe(2000);
      await producer.flushSync();
    } finally {
      await producer.close();
    }
    expect(failures).toEqual([]);
    const found = deaggregateAll(fake.records('s'));
    verifyDelivery(sent, found, fake.shards('s'), { allowDuplicates: true });
  });
});

describe('put() failures, against the fault-injecting fake', () => {
  let fake: FakeKinesis | undefined;
  let producer: KinesisProducer | undefined;
  afterEach(async () => {
    await producer?.destroy();
    await fake?.stop();
    producer = undefined;
    fake = undefined;
  });

  // With its 100-character key, 1 MiB of data is over the service's 1 MiB record limit: the fake
  // refuses it every time, deterministically.
  const refused = (i: number) => ({
    partitionKey: `${i}`.padEnd(100, 'p'),
    data: payload(i, 1024 * 1024),
  });

  test('each failure reaches the listener with its record and full result', async () => {
    fake = await FakeKinesis.start({ streams: { s: 2 } });
    producer = producerFor(fake.endpoint, { recordTtl: 60_000 });
    const { sent, byData, make } = ledger();
    const bad = [refused(-1), refused(-2), refused(-3)];
    const failures: PutFailure[] = [];
    const results = new Map<SentRecord, UserRecordResult>();
    producer.onPutFailure((f) => failures.push(f));
    producer.onPutSuccess((record, result) => {
      results.set(byData.get(record.data as Uint8Array)!, result);
    });
    for (let i = 0; i < 3000; i++) {
      if (i % 1000 === 500) {
        const b = bad[(i - 500) / 1000]!;
        producer.put('s', b.partitionKey, b.data);
      }
      const rec = make(i);
      producer.put('s', rec.partitionKey, rec.data);
    }
    await producer.flushSync();
    await producer.close();

    expect(failures).toHaveLength(3);
    for (const f of failures) {
      expect(f).toBeInstanceOf(UserRecordFailedError);
      const which = bad.find((b) => hex(b.data) === hex(f.userRecord.data as Uint8Array));
      expect(which).toBeDefined();
      expect(f.userRecord).toMatchObject({ streamName: 's', partitionKey: which!.partitionKey });
      expect(f.result?.successful).toBe(false);
      expect(f.result?.attempts.map((a) => a.errorCode)).toEqual([
        'ValidationException',
        'ValidationException',
      ]);
    }
    for (const rec of sent) rec.result = results.get(rec);
    expect(results.size).toBe(3000);
    verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
  });

  test('with no listener, a failure warns and makes flushSync() and close() reject', async () => {
    // In a process of its own: process warnings do not reach listeners inside a test's sandbox.
    fake = await FakeKinesis.start({ streams: { s: 1 } });
    const child = spawn(process.execPath, ['--import', 'tsx', PUT_SCRIPT, fake.endpoint], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const [code] = await once(child, 'exit');
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const r = JSON.parse(stdout) as {
      flushed: { name: string; code: string; count: number } | null;
      again: unknown;
      closed: { name: string; count: number } | null;
      warnings: { code?: string; message: string }[];
    };
    expect(r.flushed).toEqual({
      name: 'UnhandledPutFailuresError',
      code: 'ERR_UNHANDLED_PUT_FAILURES',
      count: 2,
    });
    // Reported once: the next flushSync() has nothing new to say.
    expect(r.again).toBeNull();
    // close() stops the producer, then rejects for the failure after.
    expect(r.closed).toMatchObject({ name: 'UnhandledPutFailuresError', count: 1 });
    const ours = r.warnings.filter((w) => w.code === 'KINESIS_PRODUCER_UNHANDLED_PUT_FAILURE');
    // One warning per unreported run of failures, not one per record.
    expect(ours).toHaveLength(2);
    expect(ours[0]!.message).toMatch(/ValidationException/);
    // Everything else arrived.
    const found = deaggregateAll(fake.records('s'));
    expect(found.map((f) => f.data.toString()).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `data ${i}`).sort(),
    );
  });
});
