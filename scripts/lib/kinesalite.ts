// An in-memory kinesalite in a child process, for scripts that need a Kinesis to talk to.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { localKinesisClient } from './kinesis-client.js';

export interface Kinesalite {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** An HTTP/1.1 SDK client for it, with dummy credentials. */
  readonly client: KinesisClient;
  /** Kills the emulator and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const GUARD = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const OUTPUT_TAIL = 4096;

const live = new Set<ChildProcess>();
let exitHook = false;

/** Last resort: whatever path the process takes out, no emulator survives it. */
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/** A port that was free a moment ago (kinesalite cannot listen on 0 and tell us the port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startKinesalite(): Promise<Kinesalite> {
  const cli = require.resolve('kinesalite/cli.js');
  // Someone else may take the port between freePort() and kinesalite's listen: try again then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ['--require', GUARD, cli, '--port', String(port), '--shardLimit', '1000'];
    for (const delay of ['createStreamMs', 'deleteStreamMs', 'updateStreamMs']) {
      args.push(`--${delay}`, '0');
    }
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(child);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited: string | undefined;
    const gone = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exited = signal ? `signal ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.once('error', (err) => {
        exited ??= err.message;
        resolve();
      });
    });
    const stop = async () => {
      if (exited === undefined) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 2000);
        await gone;
        clearTimeout(force);
      }
      child.stdin?.destroy();
    };

    const endpoint = `http://127.0.0.1:${port}`;
    const probe = localKinesisClient(endpoint, 1);
    const deadline = performance.now() + READY_TIMEOUT_MS;
    try {
      for (;;) {
        if (exited !== undefined)
          throw new Error(`kinesalite exited (${exited}) before it was ready`);
        const ok = await probe.send(new ListStreamsCommand({})).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (performance.now() > deadline) {
          throw new Error(`kinesalite did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms`);
        }
        await sleep(50);
      }
    } catch (err) {
      await stop();
      if (attempt < 3 && /EADDRINUSE/.test(output)) continue;
      throw new Error(`${(err as Error).message}\n--- kinesalite output ---\n${output}`);
    } finally {
      probe.destroy();
    }
    const client = localKinesisClient(endpoint);
    return {
      endpoint,
      client,
      async stop() {
        client.destroy();
        await stop();
      },
    };
  }
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  const deadline = performance.now() + 30_000;
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    if (performance.now() > deadline) throw new Error(`stream ${streamName} never became ACTIVE`);
    await sleep(20);
  }
}
