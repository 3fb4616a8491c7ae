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

test('the daemon reads records added early in a synchronous loop before the loop ends', async () => {
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
    for (let i = 1; i <= 20_000; i++) {
      add(i);
      if (i === 2_000) {
        // About 230 KB queued so far. Wait, without leaving the loop, for the daemon to read
        // some of it: it can only if the frames were written during this turn. The deadline only
        // bounds a failure; passing never depends on how fast the machine is.
        const deadline = performance.now() + 20_000;
        do readInLoop = bytesRead(pid) - before;
        while (readInLoop < 32 * 1024 && performance.now() < deadline);
      }
    }
    expect(readInLoop).toBeGreaterThanOrEqual(32 * 1024);
    await producer.flushSync();
    await Promise.all(done);
  } finally {
    await producer.close();
  }
  const check = await expectDelivered(emu, 'overlap', sent);
  expect(check.userRecords).toBe(sent.length);
  expect(check.duplicates).toBe(0);
});
