// AbortSignal on waitForCapacity, flushSync and close: each rejects with the signal's reason and
// leaves the producer in a state the caller can reason about, checked against the real daemon
// and the fake endpoint, with every record that was meant to arrive read back.
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  BufferFullError,
  type KinesisProducer,
  ProducerDestroyedError,
  type UserRecordResult,
  ValidationError,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { isAlive } from '../support/child-server.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

/** Records that stay buffered in the daemon until flushed. */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000, requestTimeout: 60_000 };

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

function addAll(p: KinesisProducer, count: number, from = 0) {
  const sent: SentRecord[] = [];
  const results: Promise<UserRecordResult>[] = [];
  for (let i = from; i < from + count; i++) {
    const rec: SentRecord = { partitionKey: `k${i}`, data: Buffer.from(`data-${i}`) };
    sent.push(rec);
    results.push(
      p.addUserRecord('s', rec.partitionKey, rec.data).then((r) => {
        rec.result = r;
        return r;
      }),
    );
  }
  return { sent, results };
}

function expectAllDelivered(sent: SentRecord[]) {
  verifyDelivery(sent, deaggregateAll(fake!.records('s')), fake!.shards('s'));
}

const daemonPid = (p: KinesisProducer) => producerInternals(p).daemonPid!;

/** Holds the answer to the next PutRecords (the records are stored) until told to answer. */
function stallNextRequest(ms = 60_000) {
  fake!.injectFaults({ kind: 'stall', ms });
}

describe('waitForCapacity({ signal })', () => {
  test('rejects with the reason; the records and the room to come are untouched', async () => {
    const p = await start({ ...HOLD, maxOutstandingRecords: 10 });
    const { sent, results } = addAll(p, 10);
    await expect(p.addUserRecord('s', 'over', 'x')).rejects.toBeInstanceOf(BufferFullError);

    const controller = new AbortController();
    const waiting = p.waitForCapacity({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    const reason = new Error('deadline');
    await expect(p.waitForCapacity({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);

    // Nothing was lost or left behind: the records arrive, and room comes as before.
    const room = p.waitForCapacity();
    await p.flushSync();
    await room;
    await Promise.all(results);
    expectAllDelivered(sent);
  });
});

describe('flushSync({ signal })', () => {
  test('rejects with the reason; the records go on and a later flushSync waits for them', async () => {
    const p = await start(HOLD);
    stallNextRequest();
    const { sent, results } = addAll(p, 50);
    const controller = new AbortController();
    const flushing = p.flushSync({ signal: controller.signal });
    await waitFor('the request to reach the endpoint', () => fake!.stats.putRecordsCalls > 0);
    controller.abort();
    await expect(flushing).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.getOutstandingRecordsCount()).toBe(50);

    fake!.releaseStalls();
    const timeout = AbortSignal.timeout(60_000);
    await p.flushSync({ signal: timeout });
    await Promise.all(results);
    expect(p.getOutstandingRecordsCount()).toBe(0);
    expectAllDelivered(sent);
  });
});

describe('close({ signal })', () => {
  test('aborting destroys the producer: outstanding records reject, the daemon is gone', async () => {
    const p = await start(HOLD);
    stallNextRequest();
    const { results } = addAll(p, 20);
    const pid = daemonPid(p);
    const controller = new AbortController();
    const closing = p.close({ signal: controller.signal });
    await waitFor('the request to reach the endpoint', () => fake!.stats.putRecordsCalls > 0);
    const reason = new Error('grace period over');
    controller.abort(reason);
    await expect(closing).rejects.toBe(reason);

    const settled = await Promise.allSettled(results);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(ProducerDestroyedError);
    }
    expect(isAlive(pid)).toBe(false);
    await expect(p.addUserRecord('s', 'late', 'x')).rejects.toBeInstanceOf(ProducerDestroyedError);
    // A close() after that has nothing left to do.
    await expect(p.close()).resolves.toBeUndefined();
  });

  test('a signal that does not abort changes nothing: every record arrives', async () => {
    const p = await start(HOLD);
    const { sent, results } = addAll(p, 30);
    await p.close({ signal: new AbortController().signal });
    await Promise.all(results);
    expectAllDelivered(sent);
  });

  test('an already aborted signal destroys at once', async () => {
    const p = await start(HOLD);
    const { results } = addAll(p, 5);
    await expect(p.close({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    for (const s of await Promise.allSettled(results)) expect(s.status).toBe('rejected');
  });
});

test('a signal that is not an AbortSignal is refused at the call, by name', async () => {
  const p = await start(HOLD);
  const bad = { signal: { aborted: false } } as never;
  expect(() => p.waitForCapacity(bad)).toThrow(ValidationError);
  expect(() => p.waitForCapacity(bad)).toThrow('Invalid waitForCapacity options.signal');
  await expect(p.flushSync(bad)).rejects.toThrow('Invalid flushSync options.signal');
  await expect(p.close(bad)).rejects.toThrow('Invalid close options.signal');
  // The refused close() did not start closing.
  const taken = p.addUserRecord('s', 'k', 'v');
  await p.flushSync();
  await expect(taken).resolves.toMatchObject({ successful: true });
});
