// The daemon and the user's process: the daemon never outlives its parent, even one killed with
// SIGKILL; a script that awaits close() exits by itself, as does one whose producer is idle; and
// with no logger given, a normal run prints nothing while a crash is a process warning.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { waitFor } from '../support/wait.js';

const SCRIPT = fileURLToPath(new URL('../support/producer-script.ts', import.meta.url));

/** Running, and not a zombie waiting for a reaper. */
function running(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

function script(mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode, fake.endpoint], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (t: string) => (out.stdout += t));
  child.stderr.on('data', (t: string) => (out.stderr += t));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, out, exited };
}

let fake: FakeKinesis;
beforeAll(async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
});
afterAll(async () => {
  await fake?.stop();
});

test('kill -9 of the parent leaves no daemon behind', async () => {
  const { child, out, exited } = script('hold');
  let daemon = 0;
  try {
    const pid = await waitFor(
      'the parent to report its daemon',
      () => /daemon (\d+)/.exec(out.stdout)?.[1],
      {
        timeoutMs: 30_000,
      },
    );
    daemon = Number(pid);
    expect(running(daemon)).toBe(true);
    // The daemon really is the parent's child, not some other process.
    const stat = readFileSync(`/proc/${daemon}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(child.pid);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  await waitFor(`daemon ${daemon} to exit`, () => !running(daemon));
});

test('a script that awaits close() exits by itself, with code 0', async () => {
  const { out, exited } = script('close');
  expect(await exited).toBe(0);
  expect(out.stdout).toBe('closed\n');
});

test('close() keeps the process alive until the daemon is gone, whatever settles meanwhile', async () => {
  const { out, exited } = script('close-metrics');
  // 13 is Node's exit code for a top-level await left unsettled when the event loop emptied.
  expect(await exited).toBe(0);
  expect(out.stdout).toBe('closed\n');
});

test('an idle producer does not keep the process alive, and its daemon goes with it', async () => {
  const { out, exited } = script('idle');
  expect(await exited).toBe(0);
  const daemon = Number(/idle (\d+)/.exec(out.stdout)?.[1]);
  expect(daemon).toBeGreaterThan(0);
  await waitFor(`daemon ${daemon} to exit`, () => !running(daemon));
});

test('without a logger: nothing on a normal run, a process warning when the daemon dies', async () => {
  const { out, exited } = script('warnings');
  expect(await exited).toBe(0);
  const r = JSON.parse(out.stdout) as { quiet: number; warnings: string[] };
  expect(r.quiet).toBe(0);
  expect(r.warnings).toHaveLength(1);
  expect(r.warnings[0]).toMatch(/daemon was killed by SIGKILL; restarting it in \d+ ms/);
});
