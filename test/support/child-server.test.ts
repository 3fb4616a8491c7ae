import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';
import { isAlive, spawnNodeServer } from './child-server.js';
import { waitFor } from './wait.js';

const dir = mkdtempSync(join(tmpdir(), 'child-server-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('spawnNodeServer', () => {
  test('keeps the tail of the output and says how the child ended', async () => {
    const path = script(
      'fails.cjs',
      "process.stdout.write('x'.repeat(20000)); console.error('boom: bad config'); process.exit(3);",
    );
    const child = spawnNodeServer(path, []);
    await waitFor('the child to exit', () => child.exitReason);
    expect(child.exitReason).toBe('exit code 3');
    expect(child.outputTail()).toContain('boom: bad config');
    expect(child.outputTail().length).toBeLessThanOrEqual(8192);
  });

  test('stop() ends a running child', async () => {
    const path = script('runs.cjs', "setInterval(() => {}, 1000); console.log('up');");
    const child = spawnNodeServer(path, ['--flag']);
    await waitFor('the child to start', () => child.outputTail().includes('up'));
    await child.stop();
    expect(child.exitReason).toBe('signal SIGTERM');
    expect(isAlive(child.pid!)).toBe(false);
  });

  test('a child exits when its parent is killed without stopping it', async () => {
    const guard = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));
    const parent = script(
      'parent.cjs',
      `const { spawn } = require('node:child_process');
       const c = spawn(process.execPath, ['--require', ${JSON.stringify(guard)}, '-e', 'setInterval(() => {}, 1000)'], { stdio: ['pipe', 'ignore', 'ignore'] });
       console.log(c.pid);
       setInterval(() => {}, 1000);`,
    );
    const p = spawn(process.execPath, [parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const pid = Number(await waitFor('the grandchild pid', () => /^\d+\n/.exec(out)?.[0]));
    expect(isAlive(pid)).toBe(true);
    p.kill('SIGKILL');
    await waitFor('the orphaned child to exit', () => !isAlive(pid), { timeoutMs: 10_000 });
  });
});
