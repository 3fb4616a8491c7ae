// The health check judges the daemon, never the application: a stall of the application's own
// event loop leaves the daemon's answers unread in the pipe, and must not pass for a hang. A
// daemon that really stops answering is still killed and its records go to a new one.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type {
  DaemonExitEvent,
  KinesisProducer,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { isAlive } from '../support/child-server.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, producerFor } from '../support/producer.js';
import { sendRecords } from '../support/send-records.js';
import { waitFor } from '../support/wait.js';

const restartsOf = (p: KinesisProducer) => producerInternals(p).restartsSoFar;

/** The shortest timeout the option allows: the test stalls for longer than it. */
const TIMEOUT_MS = 5000;

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'stall', 1);
  await createStream(emu, 'stopped', 1);
});
afterAll(async () => {
  await emu?.stop();
});

/**
 * Keeps this thread busy: no timer, no I/O callback runs meanwhile. It runs where an
 * application's own work runs (here after I/O, as a request handler would), so the next turn of
 * the loop runs the timers that fell due before it reads what the daemon sent.
 */
function stallEventLoop(ms: number): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // spin
      }
      resolve();
    }),
  );
}

/** The first record, delivered before anything happens: the daemon is up and has its map. */
const FIRST = { partitionKey: 'before', data: Buffer.from('x') };

/** A producer with the shortest timeout, whose first record has arrived; its warnings kept. */
async function startedProducer(stream: string) {
  const warnings: string[] = [];
  const p = producerFor(emu.endpoint, {
    recordMaxBufferedTime: 100,
    daemonHealthCheckTimeoutMs: TIMEOUT_MS,
    logger: { warn: (m) => warnings.push(m) },
  });
  const exits: DaemonExitEvent[] = [];
  p.on('daemonExit', (e) => exits.push(e));
  await expect(p.addUserRecord(stream, FIRST.partitionKey, FIRST.data)).resolves.toMatchObject({
    successful: true,
  });
  return { p, warnings, exits };
}

test('a stall of the application longer than the timeout restarts nothing and duplicates nothing', async () => {
  const { p, warnings, exits } = await startedProducer('stall');
  try {
    const run = sendRecords(p, 'stall', 2000);
    await waitFor('records read by the daemon', () => producerInternals(p).pendingBytes === 0);
    // Meanwhile the daemon sends the records and its answers wait, unread, in the pipe.
    await stallEventLoop(TIMEOUT_MS + 1500);
    await run.done;
    expect(run.failed.map((f) => f.err.message)).toEqual([]);
    await p.close();
    expect(restartsOf(p)).toBe(0);
    expect(warnings.filter((w) => w.includes('killing daemon'))).toEqual([]);
    expect(exits).toEqual([]);
    // Exactly once: no record was sent again by a second daemon.
    expect((await expectDelivered(emu, 'stall', [FIRST, ...run.sent])).duplicates).toBe(0);
  } finally {
    await p.destroy();
  }
});

test('a daemon that stops answering (SIGSTOP) is killed and its records go to a new one', async () => {
  const { p, warnings, exits } = await startedProducer('stopped');
  try {
    const first = producerInternals(p).daemonPid!;
    process.kill(first, 'SIGSTOP');
    const run = sendRecords(p, 'stopped', 300, { from: 1_000_000 });
    await run.done;
    expect(run.failed.map((f) => f.err.message)).toEqual([]);
    expect(producerInternals(p).daemonPid!).not.toBe(first);
    expect(restartsOf(p)).toBe(1);
    expect(warnings.some((w) => w.includes(`killing daemon ${first}`))).toBe(true);
    expect(exits.map((e) => [e.reason, e.error.signal])).toEqual([['hung', 'SIGKILL']]);
    expect(exits[0]!.error.reason).toMatch(/^killed by the health check: it did not answer for/);
    await waitFor('the stopped daemon to be gone', () => !isAlive(first));
    await p.close();
    // The stopped daemon never sent what it was given after the stop: nothing arrives twice.
    expect((await expectDelivered(emu, 'stopped', [FIRST, ...run.sent])).duplicates).toBe(0);
  } finally {
    await p.destroy();
  }
});
