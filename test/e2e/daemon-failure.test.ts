// When the daemon dies, hangs or the wire breaks: by default a new daemon takes the records
// without a result; otherwise, and when it cannot be kept running, every outstanding promise
// settles with an error that says why, and later calls fail clearly instead of hanging.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DaemonExitedError,
  type KinesisProducer,
  ProducerDestroyedError,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { isolateAwsEnv } from '../support/aws-env.js';
import { configFrame, frame, messageFrame, runDaemon } from '../support/daemon-process.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import { sendRecords } from '../support/send-records.js';
import type { SentRecord } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const support = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));

const restartsOf = (p: KinesisProducer) => producerInternals(p).restartsSoFar;

/** Records that stay buffered in the daemon: nothing is due for a minute. */
const HOLD = { recordMaxBufferedTime: 60_000, recordTtl: 120_000 };

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'd', 1);
});
afterAll(async () => {
  await emu?.stop();
});

function addMany(p: KinesisProducer, n: number) {
  return Array.from({ length: n }, (_, i) => p.addUserRecord('d', `pk-${i}`, `data-${i}`));
}

/**
 * Adds `n` records whose data only the producer references (the test keeps copies to compare
 * with, and weak references to see whether the producer let go). A function of its own, so that
 * no variable of the caller's still points at the last record's data.
 */
function addTracked(p: KinesisProducer, stream: string, n: number) {
  const sent: SentRecord[] = [];
  const given: WeakRef<Buffer>[] = [];
  const results: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const data = payload(i, 100);
    const explicitHashKey = i % 2 === 0 ? `${i}` : undefined;
    sent.push({ partitionKey: `pk-${i}`, data: Buffer.from(data), explicitHashKey });
    given.push(new WeakRef(data));
    results.push(p.addUserRecord(stream, `pk-${i}`, data, explicitHashKey));
  }
  return { sent, given, results };
}

describe('kill -9 of the daemon', () => {
  test('by default, records without a result go to a new daemon and all arrive', async () => {
    const p = producerFor(emu.endpoint, { recordMaxBufferedTime: 2000 });
    const run = sendRecords(p, 'd', 2000);
    // Let the daemon take the records in before it dies.
    await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
    const first = producerInternals(p).daemonPid!;
    process.kill(first, 'SIGKILL');
    await run.done;
    expect(run.failed.map((f) => f.err.message)).toEqual([]);
    expect(producerInternals(p).daemonPid!).not.toBe(first);
    expect(restartsOf(p)).toBe(1);
    await p.close();
    const check = await expectDelivered(emu, 'd', run.sent, { allowDuplicates: true });
    expect(check.userRecords).toBeGreaterThanOrEqual(2000);
  });

  test("records outstanding hold none of the caller's buffers, and still all reach a new daemon from their frames", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await createStream(emu, 'frames', 2);
    const p = producerFor(emu.endpoint, HOLD);
    try {
      const { sent, given, results } = addTracked(p, 'frames', 2000);
      await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
      // A WeakRef made in this job keeps its target until the job ends: one turn first.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      // The daemon holds them for a minute (HOLD), so every one is still outstanding here.
      expect(p.getOutstandingRecordsCount()).toBe(2000);
      expect(given.filter((r) => r.deref() !== undefined)).toHaveLength(0);
      process.kill(producerInternals(p).daemonPid!, 'SIGKILL');
      await waitFor('a new daemon', () => restartsOf(p) === 1);
      await p.flushSync();
      const settled = await Promise.allSettled(results);
      expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
      await p.close();
      const check = await expectDelivered(emu, 'frames', sent, { allowDuplicates: true });
      expect(check.userRecords).toBeGreaterThanOrEqual(2000);
    } finally {
      await p.destroy();
    }
  });

  test('with resubmitOnDaemonExit false, outstanding promises reject (as in the KPL), and the new daemon takes new records', async () => {
    const p = producerFor(emu.endpoint, { ...HOLD, resubmitOnDaemonExit: false });
    const pending = addMany(p, 2000);
    await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
    process.kill(producerInternals(p).daemonPid!, 'SIGKILL');
    const settled = await Promise.allSettled(pending);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    for (const s of settled) {
      const err = (s as PromiseRejectedResult).reason;
      expect(err).toBeInstanceOf(DaemonExitedError);
      expect(err.signal).toBe('SIGKILL');
      expect(err.message).toMatch(/killed by SIGKILL/);
    }
    // Each rejection carries its own record.
    expect((settled[5] as PromiseRejectedResult).reason.userRecord).toMatchObject({
      partitionKey: 'pk-5',
    });
    expect(p.getOutstandingRecordsCount()).toBe(0);
    const later = p.addUserRecord('d', 'later', 'x');
    // Flushes until the new daemon has its shard map and sends the record.
    await p.flushSync();
    await expect(later).resolves.toMatchObject({ successful: true });
    await p.destroy();
  });

  test('with daemonMaxRestarts 0, the producer fails for good', async () => {
    const p = producerFor(emu.endpoint, { ...HOLD, daemonMaxRestarts: 0 });
    const pending = addMany(p, 200);
    await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
    process.kill(producerInternals(p).daemonPid!, 'SIGKILL');
    for (const s of await Promise.allSettled(pending)) {
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(DaemonExitedError);
    }
    expect(p.getOutstandingRecordsCount()).toBe(0);
    const err = await p.addUserRecord('d', 'later', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(DaemonExitedError);
    expect(err.userRecord).toMatchObject({ partitionKey: 'later' });
    expect(() => p.flush()).toThrow(DaemonExitedError);
    await p.flushSync(); // nothing outstanding: returns
    expect(restartsOf(p)).toBe(0);
    await p.destroy();
  });
});

test('destroy() stops at once and rejects what is outstanding', async () => {
  const p = producerFor(emu.endpoint, HOLD);
  const pending = addMany(p, 100);
  await p.destroy();
  const settled = await Promise.allSettled(pending);
  for (const s of settled) {
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason).toBeInstanceOf(ProducerDestroyedError);
  }
  await expect(p.addUserRecord('d', 'x', 'y')).rejects.toBeInstanceOf(ProducerDestroyedError);
});

test('a daemon that cannot start fails the producer with its own message, without restarts', async () => {
  // No region anywhere: not in the environment, not in a config file, no instance metadata.
  // The SDK's region chain reads them asynchronously, so they stay unset until the daemon answered.
  const restoreEnv = isolateAwsEnv();
  process.env.AWS_CONFIG_FILE = '/nonexistent/kinesis-producer-test/config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const q = producerFor(emu.endpoint, { region: undefined });
  let final: DaemonExitedError;
  try {
    const err = await q.addUserRecord('d', 'pk', 'x').then(
      () => undefined,
      (e) => e,
    );
    // The record was accepted before the daemon read its configuration, or refused after.
    final = err ?? (await q.addUserRecord('d', 'pk', 'x').catch((e) => e));
  } finally {
    restoreEnv();
  }
  expect(final).toBeInstanceOf(DaemonExitedError);
  expect(final.exitCode).toBe(1);
  expect(final.message).toMatch(/no region/);
  expect(final.reason).toMatch(/^CONFIG: no region/);
  expect(restartsOf(q)).toBe(0);
  await q.destroy();
});

test('a daemon executable that does not exist fails the producer at once', async () => {
  const q = producerFor(emu.endpoint, { nativeExecutable: '/nonexistent/kinesis-producer-daemon' });
  const err = await q.addUserRecord('d', 'pk', 'x').catch((e) => e);
  expect(err).toBeInstanceOf(DaemonExitedError);
  expect(err.message).toMatch(/ENOENT/);
  expect(restartsOf(q)).toBe(0);
  await q.destroy();
});

test('a daemon that dies at once every time is restarted with backoff, then the producer gives up', async () => {
  const warnings: string[] = [];
  const p = producerFor(emu.endpoint, {
    nativeExecutable: support('dying-daemon.cjs'),
    daemonMaxRestarts: 3,
    daemonRestartBackoffBase: 20,
    daemonRestartBackoffMax: 50,
    logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  const settled = await Promise.allSettled(addMany(p, 20));
  for (const s of settled) {
    const err = (s as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(DaemonExitedError);
    expect(err.exitCode).toBe(70);
    expect(err.message).toMatch(
      /not restarted: it was already restarted 3 times within 3600000 ms \(daemonMaxRestarts = 3, daemonRestartWindowMs = 3600000\)/,
    );
    expect(err.message).toMatch(/crashing on purpose/);
  }
  expect(restartsOf(p)).toBe(3);
  expect(warnings.filter((w) => /restarting it in \d+ ms/.test(w))).toHaveLength(3);
  await p.destroy();
});

test('a daemon that keeps crashing after running a while is restarted only as often as the window allows', async () => {
  await createStream(emu, 'w', 1);
  const warnings: string[] = [];
  const p = producerFor(emu.endpoint, {
    ...HOLD,
    // Each run lives 6 s: long enough to pass for a working daemon, were restarts counted in a row.
    nativeExecutable: support('short-lived-daemon.cjs'),
    daemonMaxRestarts: 1,
    daemonRestartWindowMs: 60_000,
    daemonRestartBackoffBase: 10,
    logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  // Held in the daemon for a minute: each run dies with them, and they go to the next one.
  const settled = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => p.addUserRecord('w', `pk-${i}`, `data-${i}`)),
  );
  for (const s of settled) {
    const err = (s as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(DaemonExitedError);
    expect(err.exitCode).toBe(70);
    expect(err.message).toMatch(/crashing on purpose after 6000 ms/);
    expect(err.message).toMatch(
      /not restarted: it was already restarted 1 times within 60000 ms \(daemonMaxRestarts = 1, daemonRestartWindowMs = 60000\)/,
    );
  }
  expect(restartsOf(p)).toBe(1);
  expect(
    warnings.filter((w) => /restarting it in \d+ ms \(restart 1 within 60000 ms\)/.test(w)),
  ).toHaveLength(1);
  await expect(p.addUserRecord('w', 'later', 'x')).rejects.toBeInstanceOf(DaemonExitedError);
  await p.destroy();
  // Neither run lived to send what it held: the stream has nothing, so nothing arrived twice.
  await expectDelivered(emu, 'w', []);
});

describe('a corrupt wire', () => {
  test('a frame the daemon cannot read ends it with a fatal error that every promise carries', async () => {
    const p = producerFor(emu.endpoint, {
      ...HOLD,
      nativeExecutable: support('corrupting-daemon.cjs'),
      daemonMaxRestarts: 1,
      daemonRestartBackoffBase: 10,
    });
    const reasons: string[] = [];
    p.on('daemonExit', (e) => reasons.push(e.reason));
    const settled = await Promise.allSettled(addMany(p, 500));
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const err = (s as PromiseRejectedResult).reason;
      expect(err).toBeInstanceOf(DaemonExitedError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/PROTOCOL: frame of 4294967295 bytes exceeds the limit/);
    }
    // The daemon ended by itself, refusing what it read.
    expect(reasons).toEqual(['exited', 'exited']);
    await p.destroy();
  });

  test('a frame from the daemon that does not decode rejects everything with a protocol error', async () => {
    const p = producerFor(emu.endpoint, {
      nativeExecutable: support('garbage-daemon.cjs'),
      daemonMaxRestarts: 1,
      daemonRestartBackoffBase: 10,
    });
    const reasons: string[] = [];
    p.on('daemonExit', (e) => reasons.push(e.reason));
    const settled = await Promise.allSettled(addMany(p, 50));
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason.message).toMatch(/frame that does not decode/);
    }
    // Both runs were killed by the producer for what they sent, not found dead.
    expect(reasons).toEqual(['corrupt', 'corrupt']);
    await p.destroy();
  });
});

describe('the daemon on its own', () => {
  const config = configFrame({ region: 'us-east-1', kinesisEndpointUrl: 'http://127.0.0.1:9' });

  test.each([
    ['a header over the size limit', Buffer.from([0x00, 0xb0, 0x00, 0x01]), /exceeds the limit/],
    ['a zero-length frame', Buffer.from([0, 0, 0, 0]), /frame of 0 bytes/],
    [
      'a frame that does not decode',
      frame(Buffer.from([0x08, 0x01, 0x1a, 0x7f, 0x01])),
      /did not decode/,
    ],
  ])('%s: exits 3 with a fatal error on stderr and a last frame', async (_n, bad, why) => {
    const d = runDaemon();
    d.write(config);
    d.write(bad);
    const r = await d.exited;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^fatal PROTOCOL: /m);
    expect(r.stderr).toMatch(why);
    const last = r.messages.at(-1);
    expect(last?.kind === 'other' && last.message.actualMessage.case).toBe('fatalError');
  });

  test('input that ends inside a frame is a fatal error', async () => {
    const d = runDaemon();
    d.write(config);
    d.write(Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    d.end();
    const r = await d.exited;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/input ended inside a frame/);
  });

  test('a record before the configuration is a fatal error', async () => {
    const d = runDaemon();
    d.write(
      messageFrame({
        id: 1n,
        actualMessage: {
          case: 'putRecord',
          value: { streamName: 's', partitionKey: 'k', data: new Uint8Array(1) },
        },
      }),
    );
    const r = await d.exited;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/before the configuration/);
  });

  test('an invalid configuration exits 1 naming the field', async () => {
    const d = runDaemon();
    d.write(configFrame({ region: 'us-east-1', collectionMaxCount: 501n }));
    const r = await d.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/collection_max_count must be between 1 and 500, got 501/);
  });

  test('closing stdin ends the daemon cleanly', async () => {
    const d = runDaemon();
    d.write(config);
    d.end();
    const r = await d.exited;
    expect(r.code).toBe(0);
  });

  test('a record the wrapper should have refused fails alone, and the daemon keeps going', async () => {
    const d = runDaemon();
    d.write(config);
    d.write(
      messageFrame({
        id: 7n,
        actualMessage: {
          case: 'putRecord',
          value: {
            streamName: 's',
            partitionKey: 'k',
            explicitHashKey: 'not-a-number',
            data: new Uint8Array(1),
          },
        },
      }),
    );
    // Frames are handled in order, so the result is written before the daemon sees the end.
    d.end();
    const r = await d.exited;
    expect(r.code).toBe(0);
    const res = r.messages.find((m) => m.kind === 'putRecordResult');
    expect(res).toMatchObject({
      kind: 'putRecordResult',
      sourceId: 7,
      result: { successful: false },
    });
    expect(res?.kind === 'putRecordResult' && res.result.attempts[0]?.errorCode).toBe(
      'InvalidRecord',
    );
  });
});
