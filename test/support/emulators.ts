import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { type ServerChild, spawnNodeServer } from './child-server.js';
import { localKinesisClient, TEST_REGION } from './kinesis-client.js';
import { waitFor } from './wait.js';

export interface Emulator {
  kind: 'kinesalite' | 'kinesis-local';
  /** http://127.0.0.1:PORT */
  endpoint: string;
  region: string;
  /** HTTP/1.1 client with dummy credentials and a few attempts. */
  client: KinesisClient;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** A port that was free a moment ago. The emulators cannot listen on port 0 and report back. */
async function freePort(): Promise<number> {
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

async function startEmulator(
  kind: Emulator['kind'],
  launch: () => Promise<{ child: ServerChild; port: number }>,
  readyTimeoutMs: number,
): Promise<Emulator> {
  // Another process can take the port between freePort() and the child's listen(): retry then.
  for (let attempt = 1; ; attempt++) {
    const { child, port } = await launch();
    const endpoint = `http://127.0.0.1:${port}`;
    const probe = localKinesisClient(endpoint, { maxAttempts: 1 });
    try {
      await waitFor(
        `${kind} to accept requests on ${endpoint}`,
        () => probe.send(new ListStreamsCommand({})).then(() => true),
        {
          timeoutMs: readyTimeoutMs,
          intervalMs: 50,
          giveUp: () =>
            child.exitReason === undefined
              ? undefined
              : new Error(`${kind} exited (${child.exitReason}) before it was ready`),
        },
      );
    } catch (err) {
      const output = child.outputTail();
      await child.stop();
      if (attempt < 3 && /EADDRINUSE|Address already in use/i.test(output)) continue;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${message}\n--- ${kind} output (tail) ---\n${output}`);
    } finally {
      probe.destroy();
    }
    const client = localKinesisClient(endpoint);
    return {
      kind,
      endpoint,
      region: TEST_REGION,
      client,
      async stop() {
        client.destroy();
        await child.stop();
      },
    };
  }
}

/** kinesalite in memory: fast, validates request limits, never throttles. */
export function startKinesalite(): Promise<Emulator> {
  const cli = require.resolve('kinesalite/cli.js');
  return startEmulator(
    'kinesalite',
    async () => {
      const port = await freePort();
      const args = ['--port', String(port), '--shardLimit', '10000'];
      for (const state of ['createStreamMs', 'deleteStreamMs', 'updateStreamMs']) {
        args.push(`--${state}`, '0');
      }
      return { child: spawnNodeServer(cli, args), port };
    },
    20_000,
  );
}

/** kinesis-local (kinesis-mock): slow (under 1000 records/s), use it for small functional checks. */
export function startKinesisLocal(): Promise<Emulator> {
  const main = require.resolve('kinesis-local/main.js');
  // Without this it looks for server.json (its TLS certificate) in the cwd and dies with ENOENT.
  const certPath = require.resolve('kinesis-local/server.json');
  return startEmulator(
    'kinesis-local',
    async () => {
      const port = await freePort();
      const env = {
        KINESIS_MOCK_CERT_PATH: certPath,
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(await freePort()),
        LOG_LEVEL: 'ERROR',
        ROOT_LOG_LEVEL: 'ERROR',
        CREATE_STREAM_DURATION: '0ms',
        SHARD_LIMIT: '10000',
        SHOULD_PERSIST_DATA: 'false',
        AWS_REGION: TEST_REGION,
      };
      return { child: spawnNodeServer(main, [], { env, cwd: tmpdir() }), port };
    },
    60_000,
  );
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(emu: Emulator, name: string, shards: number): Promise<void> {
  await emu.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitFor(
    `stream ${name} to become ACTIVE on ${emu.kind}`,
    async () => {
      const out = await emu.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      return out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    },
    { timeoutMs: 30_000, intervalMs: 20 },
  );
}
