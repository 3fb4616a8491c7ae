// The daemon never outlives its parent: when the process that owns the producer is killed with
// SIGKILL (no chance to clean up), the daemon sees its stdin close and exits.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { waitFor } from '../support/wait.js';

const PARENT = fileURLToPath(new URL('../support/producer-parent.ts', import.meta.url));

/** Running, and not a zombie waiting for a reaper. */
function running(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

let fake: FakeKinesis;
beforeAll(async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
});
afterAll(async () => {
  await fake?.stop();
});

test('kill -9 of the parent leaves no daemon behind', async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, fake.endpoint], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  parent.stdout.setEncoding('utf8');
  parent.stdout.on('data', (t: string) => (out += t));
  parent.stderr.on('data', (t: Buffer) => (out += t.toString()));
  const exited = new Promise((r) => parent.once('exit', r));
  let daemon = 0;
  try {
    daemon = Number(
      (await waitFor('the parent to report its daemon', () => /daemon (\d+)/.exec(out)?.[1], {
        timeoutMs: 30_000,
      })) ?? 0,
    );
    expect(running(daemon)).toBe(true);
    // The daemon really is the parent's child, not some other process.
    const stat = readFileSync(`/proc/${daemon}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(parent.pid);
  } finally {
    parent.kill('SIGKILL');
    await exited;
  }
  await waitFor(`daemon ${daemon} to exit`, () => !running(daemon));
});
