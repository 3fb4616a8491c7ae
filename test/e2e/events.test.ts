// Lifecycle events on the real daemon: a daemon killed and started again, the records it held
// sent to the next one, a producer that gives up, a credentials provider that fails, a stream
// that stays throttled; each as an EventEmitter event and on its diagnostics_channel, and the
// restarts as the DaemonRestarts metric.
import diagnostics from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  type CredentialsErrorEvent,
  type DaemonExitEvent,
  DaemonExitedError,
  type DaemonRestartEvent,
  type KinesisProducer,
  type RecordsResubmittedEvent,
  type ThrottlingEndedEvent,
  type ThrottlingEvent,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { expectDelivered, producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const support = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));

/** Records that stay buffered in the daemon until flushed. */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000 };

let emu: Emulator;
let producer: KinesisProducer | undefined;
beforeAll(async () => {
  emu = await startKinesalite();
  for (const s of ['killed', 'creds']) await createStream(emu, s, 1);
});
afterEach(async () => {
  await producer?.destroy();
  producer = undefined;
});
afterAll(async () => {
  await emu?.stop();
});

describe('a daemon killed with SIGKILL', () => {
  test('daemonExit, daemonRestart and recordsResubmitted, on the producer and its channels; DaemonRestarts counts it', async () => {
    const p = (producer = producerFor(emu.endpoint, HOLD));
    const seen: string[] = [];
    const exits: DaemonExitEvent[] = [];
    const restarts: DaemonRestartEvent[] = [];
    const resubmitted: RecordsResubmittedEvent[] = [];
    p.on('daemonExit', (e) => {
      seen.push('daemonExit');
      exits.push(e);
    });
    p.on('daemonRestart', (e) => {
      seen.push('daemonRestart');
      restarts.push(e);
    });
    p.on('recordsResubmitted', (e) => {
      seen.push('recordsResubmitted');
      resubmitted.push(e);
    });
    const published: { name: string; message: { producer?: unknown } }[] = [];
    const subscribers = ['daemonExit', 'daemonRestart', 'recordsResubmitted'].map((event) => {
      const name = `kinesis-producer:${event}`;
      const fn = (message: unknown) => published.push({ name, message: message as never });
      diagnostics.subscribe(name, fn);
      return () => diagnostics.unsubscribe(name, fn);
    });
    try {
      const run = sendRecords(p, 'killed', 200);
      await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
      const first = producerInternals(p).daemonPid!;
      process.kill(first, 'SIGKILL');
      await waitFor('the records sent again', () => resubmitted.length === 1);
      expect(seen).toEqual(['daemonExit', 'daemonRestart', 'recordsResubmitted']);
      expect(exits[0]!.error).toBeInstanceOf(DaemonExitedError);
      expect(exits[0]).toMatchObject({
        reason: 'exited',
        restartsInWindow: 1,
        error: { signal: 'SIGKILL' },
      });
      expect(exits[0]!.restartInMs).toBeGreaterThan(0);
      expect(restarts).toEqual([
        { pid: producerInternals(p).daemonPid!, restarts: 1, restartsInWindow: 1 },
      ]);
      expect(restarts[0]!.pid).not.toBe(first);
      // The first daemon held every record: all 200 went to the new one.
      expect(resubmitted).toEqual([{ count: 200 }]);
      expect(published.map((m) => m.name)).toEqual([
        'kinesis-producer:daemonExit',
        'kinesis-producer:daemonRestart',
        'kinesis-producer:recordsResubmitted',
      ]);
      expect(published.every((m) => m.message.producer === p)).toBe(true);
      expect(published[2]!.message).toMatchObject({ count: 200 });

      const [total] = await p.getMetrics('DaemonRestarts');
      expect(total).toMatchObject({ name: 'DaemonRestarts', dimensions: {}, sum: 1 });
      const [recent] = await p.getMetrics('DaemonRestarts', 60);
      expect(recent).toMatchObject({ sum: 1, sampleCount: 1, duration: 60 });
      const all = await p.getMetrics();
      expect(all.filter((m) => m.name === 'DaemonRestarts')).toHaveLength(1);

      await p.flushSync();
      await run.done;
      expect(run.failed.map((f) => f.err.message)).toEqual([]);
      await p.close();
      // Held by the first daemon, sent by the second only: each record once.
      await expectDelivered(emu, 'killed', run.sent);
    } finally {
      for (const unsubscribe of subscribers) unsubscribe();
    }
  });

  test('a listener that throws is logged, and supervision goes on', async () => {
    const errors: string[] = [];
    const p = (producer = producerFor(emu.endpoint, {
      ...HOLD,
      logger: { error: (m) => errors.push(m) },
    }));
    p.on('daemonExit', () => {
      throw new Error('listener bug');
    });
    const restarted = new Promise<DaemonRestartEvent>((r) => p.once('daemonRestart', r));
    const run = sendRecords(p, 'killed', 10, { from: 1000 });
    await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
    process.kill(producerInternals(p).daemonPid!, 'SIGKILL');
    await expect(restarted).resolves.toMatchObject({ restarts: 1 });
    expect(errors.some((e) => /a 'daemonExit' listener threw: Error: listener bug/.test(e))).toBe(
      true,
    );
    await p.flushSync();
    await run.done;
    expect(run.failed).toEqual([]);
  });
});

test('a producer that gives up: the last daemonExit has no restart and carries the final error', async () => {
  const p = (producer = producerFor(emu.endpoint, {
    nativeExecutable: support('dying-daemon.cjs'),
    daemonMaxRestarts: 1,
    daemonRestartBackoffBase: 10,
  }));
  const exits: DaemonExitEvent[] = [];
  p.on('daemonExit', (e) => exits.push(e));
  const restarts: DaemonRestartEvent[] = [];
  p.on('daemonRestart', (e) => restarts.push(e));
  const err = await p.addUserRecord('killed', 'pk', 'x').catch((e) => e);
  expect(err).toBeInstanceOf(DaemonExitedError);
  expect(exits.map((e) => [e.reason, e.restartInMs === undefined, e.restartsInWindow])).toEqual([
    ['exited', false, 1],
    ['exited', true, 1],
  ]);
  expect(exits[1]!.error.message).toBe(err.message);
  expect(exits[1]!.error.message).toMatch(/not restarted: it was already restarted 1 times/);
  expect(restarts).toHaveLength(1);
});

test('credentialsError for each failed attempt of the provider; records wait and arrive once it works', async () => {
  let broken = true;
  let calls = 0;
  const p = (producer = producerFor(emu.endpoint, {
    recordMaxBufferedTime: 100,
    credentials: async () => {
      calls++;
      if (broken) throw new Error(`no credentials yet (call ${calls})`);
      return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    },
  }));
  const failures: CredentialsErrorEvent[] = [];
  p.on('credentialsError', (e) => failures.push(e));
  const run = sendRecords(p, 'creds', 50);
  await waitFor('two failed attempts', () => failures.length >= 2);
  expect(failures[0]).toMatchObject({ forMetrics: false, failingForMs: 0 });
  expect(failures[0]!.error.message).toBe('no credentials yet (call 1)');
  expect(failures[1]!.failingForMs).toBeGreaterThan(0);
  broken = false;
  await run.done;
  expect(run.failed).toEqual([]);
  const n = failures.length;
  await p.close();
  expect(failures).toHaveLength(n);
  await expectDelivered(emu, 'creds', run.sent);
});

describe('sustained throttling', () => {
  let fake: FakeKinesis | undefined;
  afterEach(async () => {
    await producer?.destroy();
    producer = undefined;
    await fake?.stop();
    fake = undefined;
  });

  test('throttling once a stream stays throttled, throttlingEnded once it is not; only the throttled stream', async () => {
    fake = await FakeKinesis.start({ streams: { hot: 1, calm: 1 } });
    const p = (producer = producerFor(fake.endpoint, {
      recordMaxBufferedTime: 50,
      retryBackoffMax: 500,
    }));
    const events: [string, ThrottlingEvent | ThrottlingEndedEvent][] = [];
    p.on('throttling', (e) => events.push(['throttling', e]));
    p.on('throttlingEnded', (e) => events.push(['throttlingEnded', e]));
    const calm = sendRecords(p, 'calm', 100);
    await calm.done;
    expect(calm.failed).toEqual([]);
    // Every PutRecords from now on has all its records throttled, until cleared.
    fake.injectFaults(
      { kind: 'partial', fraction: 1, errorCode: 'ProvisionedThroughputExceededException' },
      { probability: 1 },
    );
    const hot = sendRecords(p, 'hot', 100);
    await waitFor('the throttling event', () => events.length >= 1, { timeoutMs: 30_000 });
    expect(events[0]![0]).toBe('throttling');
    const started = events[0]![1] as ThrottlingEvent;
    expect(started).toMatchObject({ streamName: 'hot', windowSeconds: 10 });
    expect(started.throttledRecords).toBeGreaterThan(0);
    expect(started.throttledForMs).toBeGreaterThanOrEqual(5000);
    fake.clearFaults();
    await hot.done;
    expect(hot.failed).toEqual([]);
    await waitFor('the end of the throttling', () => events.length >= 2, { timeoutMs: 30_000 });
    expect(events.map(([name, e]) => [name, e.streamName])).toEqual([
      ['throttling', 'hot'],
      ['throttlingEnded', 'hot'],
    ]);
    await p.close();
    for (const [stream, run] of [
      ['hot', hot],
      ['calm', calm],
    ] as const) {
      verifyDelivery(run.sent, deaggregateAll(fake.records(stream)), fake.shards(stream));
    }
  });
});
