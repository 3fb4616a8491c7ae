// Zero loss across daemon crashes: while 100,000 records are produced, the daemon is killed with
// SIGKILL several times. Every promise resolves, every record is in the stream at least once,
// and the duplicates that at-least-once delivery allows are counted and reported.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import type { SentRecord } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const COUNT = 100_000;
const KILLS = 4;

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'z', 4);
});
afterAll(async () => {
  await emu?.stop();
});

test(`${COUNT} records, the daemon killed ${KILLS} times: every record arrives at least once`, async () => {
  // A journal smaller than the run, so records are still being added while daemons die.
  const producer = producerFor(emu.endpoint, { maxOutstandingRecords: 20_000 });
  const sent: SentRecord[] = [];
  const failures: unknown[] = [];
  let settled = 0;
  const all: Promise<void>[] = [];

  const killer = (async () => {
    const killed: number[] = [];
    for (let k = 1; k <= KILLS; k++) {
      await waitFor(
        `${(k * COUNT) / (KILLS + 1)} results`,
        () => settled >= (k * COUNT) / (KILLS + 1),
        {
          timeoutMs: 120_000,
        },
      );
      const pid = producerInternals(producer).daemonPid!;
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
      await waitFor('a new daemon', () => {
        const i = producerInternals(producer);
        return i.daemonPid !== pid && i.daemonAlive;
      });
    }
    return killed;
  })();

  try {
    for (let i = 0; i < COUNT; i++) {
      const rec: SentRecord = {
        partitionKey: `pk-${i % 5000}-${i}`,
        data: payload(i, 40 + (i % 200)),
      };
      sent.push(rec);
      await producer.waitForCapacity();
      all.push(
        producer.addUserRecord('z', rec.partitionKey, rec.data).then(
          (r) => {
            rec.result = r;
            settled++;
          },
          (err: unknown) => {
            failures.push(err);
            settled++;
          },
        ),
      );
    }
    await producer.flushSync();
    await Promise.all(all);
  } finally {
    await producer.close();
  }
  const killed = await killer;

  expect(failures.map((e) => (e as Error).message).slice(0, 5)).toEqual([]);
  expect(settled).toBe(COUNT);
  expect(new Set(killed).size).toBe(KILLS);
  expect(producerInternals(producer).restartsSoFar).toBe(KILLS);
  const check = await expectDelivered(emu, 'z', sent, { allowDuplicates: true });
  console.info(
    `zero-loss: ${COUNT} records, ${KILLS} daemons killed, ${producerInternals(producer).resubmitted} records sent again, ` +
      `${check.duplicates} duplicates in the stream (${check.userRecords} user records in ${check.kinesisRecords} Kinesis records)`,
  );
  expect(check.userRecords).toBe(COUNT + check.duplicates);
});
