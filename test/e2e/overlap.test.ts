// The daemon works while the application is still inside a long synchronous loop of
// addUserRecord calls: frames reach the pipe during the loop, not only once it yields.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import type { SentRecord } from '../support/verify.js';

const pidOf = (p: KinesisProducer) => producerInternals(p).daemonPid!;

/** Bytes the process has read through read() and its kind, whatever from (Linux's rchar). */
function bytesRead(pid: number): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  if (!m) throw new Error(`no rchar in /proc/${pid}/io`);
  return Number(m[1]);
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'overlap', 4);
});
afterAll(async () => {
  await emu?.stop();
});

test('the daemon reads the records of a long synchronous loop while the loop still runs', async () => {
  const producer = producerFor(emu.endpoint);
  const sent: SentRecord[] = [];
  const done: Promise<unknown>[] = [];
  const add = (i: number) => {
    const rec: SentRecord = { partitionKey: `k${i}`, data: payload(i, 100) };
    sent.push(rec);
    done.push(
      producer.addUserRecord('overlap', rec.partitionKey, rec.data).then((r) => {
        rec.result = r;
      }),
    );
  };
  try {
    // Once one record has its result the daemon is up, has its shard map and sits idle: what it
    // reads from here on is what the loop below hands it.
    add(0);
    await done[0];
    const pid = pidOf(producer);
    const before = bytesRead(pid);
    let readInLoop = 0;
    let readBy2000 = 0;
    // Each frame here is over FRAME_BYTES long; the pipe holds a few hundred KiB at most.
    const FRAME_BYTES = 110;
    const PIPE_SLACK = 512 * 1024;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    // The deadline only bounds a failure; passing never depends on how fast the machine is.
    const deadline = performance.now() + 30_000;
    for (let i = 1; i <= 20_000; i++) {
      add(i);
      if (i % 1_000 === 0) {
        // Without leaving the loop (Atomics.wait sleeps without yielding to the event loop),
        // wait for the daemon to read all but a pipe's worth of what was added so far: it can
        // only if the frames keep being written during this turn, not just until the pipe
        // first fills.
        const want = i === 2_000 ? 32 * 1024 : i * FRAME_BYTES - PIPE_SLACK;
        while ((readInLoop = bytesRead(pid) - before) < want && performance.now() < deadline) {
          Atomics.wait(nap, 0, 0, 1);
        }
        if (i === 2_000) readBy2000 = readInLoop;
      }
    }
    // About 230 KB were queued by record 2,000, and the daemon had read some of it.
    expect(readBy2000).toBeGreaterThanOrEqual(32 * 1024);
    // And it kept reading to the loop's end: all but a pipe's worth of 20,000 records.
    expect(readInLoop).toBeGreaterThanOrEqual(20_000 * FRAME_BYTES - PIPE_SLACK);
    await producer.flushSync();
    await Promise.all(done);
  } finally {
    await producer.close();
  }
  const check = await expectDelivered(emu, 'overlap', sent);
  expect(check.userRecords).toBe(sent.length);
  expect(check.duplicates).toBe(0);
});
