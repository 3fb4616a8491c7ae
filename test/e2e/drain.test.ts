// Drain on end of input: an application killed with SIGKILL while its daemon buffers 1,000
// records loses none of them. The daemon sees its stdin end, sends what it holds (here long before
// the records' own 30 s buffering time), and exits.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { BUFFERED_COUNT, bufferedRecord } from '../support/buffered-records.js';
import { isAlive } from '../support/child-server.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered } from '../support/producer.js';
import { readAllRecords } from '../support/read-back.js';
import { waitFor } from '../support/wait.js';

const SCRIPT = fileURLToPath(new URL('../support/producer-script.ts', import.meta.url));

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'drain', 2);
});
afterAll(async () => {
  await emu?.stop();
});

test('SIGKILL of the application: the daemon still delivers the 1,000 records it holds, then exits', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'buffered', emu.endpoint], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (t: string) => (stdout += t));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let daemon = 0;
  try {
    daemon = Number(
      await waitFor('the records to be in the daemon', () => /buffered (\d+)/.exec(stdout)?.[1], {
        timeoutMs: 30_000,
      }),
    );
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  // Nothing can have been sent yet: the records wait 30 s for more to join them.
  await waitFor(
    'every record in the stream',
    async () => (await readAllRecords(emu.client, 'drain')).length > 0 && !isAlive(daemon),
    { timeoutMs: 25_000, intervalMs: 200 },
  );
  const sent = Array.from({ length: BUFFERED_COUNT }, (_, i) => bufferedRecord(i));
  const check = await expectDelivered(emu, 'drain', sent);
  expect(check.userRecords).toBe(BUFFERED_COUNT);
  expect(check.duplicates).toBe(0);
});
