// Drives the real daemon bundle directly over its stdio, frame by frame.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  type Decoded,
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  MessageSchema,
} from '../../packages/protocol/src/index.js';
import { TEST_CREDENTIALS } from './kinesis-client.js';
import { waitFor } from './wait.js';

export const DAEMON_PATH = fileURLToPath(
  new URL('../../packages/kinesis-producer/dist/daemon.cjs', import.meta.url),
);

export function frame(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

export function messageFrame(init: MessageInitShape<typeof MessageSchema>): Buffer {
  return frame(encodeMessage(create(MessageSchema, init)));
}

export function configFrame(config: Record<string, unknown>): Buffer {
  return messageFrame({ id: 0n, actualMessage: { case: 'configuration', value: config } });
}

export interface DaemonRun {
  write(b: Buffer): void;
  end(): void;
  kill(): void;
  /** Messages read so far, in order (the same array `exited` resolves with). */
  readonly messages: Decoded[];
  /** Stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited and its output is read. */
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    messages: Decoded[];
  }>;
}

/** The bundled daemon, or `script` (a stand-in that runs it, see test/support/*-daemon.cjs). */
export function runDaemon(script: string = DAEMON_PATH): DaemonRun {
  const child = spawn(process.execPath, [script], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  const messages: Decoded[] = [];
  const decoder = new FrameDecoder();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => (stderr += t));
  child.stdout.on('data', (c: Buffer) => {
    for (const f of decoder.push(c)) messages.push(decodeMessage(f));
  });
  child.stdin.on('error', () => {});
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    messages: Decoded[];
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, messages })));
  return {
    write: (b) => child.stdin.write(b),
    end: () => child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
    messages,
    stderr: () => stderr,
    exited,
  };
}

const credentialsFrame = messageFrame({
  id: 1n,
  actualMessage: {
    case: 'setCredentials',
    value: {
      forMetrics: false,
      credentials: {
        akid: TEST_CREDENTIALS.accessKeyId,
        secretKey: TEST_CREDENTIALS.secretAccessKey,
      },
    },
  },
});

/** A daemon configured for `endpoint` (metrics off, short buffering) with the test credentials. */
export function startDaemonFor(
  endpoint: string,
  config: Record<string, unknown> = {},
  script?: string,
): DaemonRun {
  const d = runDaemon(script);
  d.write(
    configFrame({
      region: 'us-east-1',
      kinesisEndpointUrl: endpoint,
      metricsLevel: 'none',
      recordMaxBufferedTime: 20n,
      recordTtl: 20_000n,
      retryBackoffMax: 200n,
      batchedResults: true,
      ...config,
    }),
  );
  d.write(credentialsFrame);
  return d;
}

export function putFrame(
  id: number,
  partitionKey: string,
  data: Uint8Array,
  extra: { streamName?: string; explicitHashKey?: string } = {},
): Buffer {
  return messageFrame({
    id: BigInt(id),
    actualMessage: {
      case: 'putRecord',
      value: { streamName: extra.streamName ?? 's', partitionKey, data, ...extra },
    },
  });
}

export interface ResultSeen {
  successful: boolean;
  /** Error code of each attempt ('' for a success). */
  codes: string[];
  messages: string[];
  /** Where a success landed. */
  shardId?: string;
  sequenceNumber?: string;
}

/** Results by the id of the record they answer; a second result for one id throws. */
export function resultsById(messages: Decoded[]): Map<number, ResultSeen> {
  const out = new Map<number, ResultSeen>();
  const add = (id: number, r: ResultSeen) => {
    if (out.has(id)) throw new Error(`record ${id} answered twice`);
    out.set(id, r);
  };
  for (const m of messages) {
    if (m.kind === 'putRecordResult') {
      add(m.sourceId, {
        successful: m.result.successful,
        codes: m.result.attempts.map((a) => a.errorCode ?? ''),
        messages: m.result.attempts.map((a) => a.errorMessage ?? ''),
        shardId: m.result.shardId,
        sequenceNumber: m.result.sequenceNumber,
      });
    } else if (m.kind === 'putRecordResults') {
      const { shardId, sequenceNumber } = m.results;
      for (const id of m.results.sourceIds)
        add(id, { successful: true, codes: [''], messages: [''], shardId, sequenceNumber });
    } else if (m.kind === 'groupedResults') {
      const g = m.results;
      g.sourceIds.forEach((id, k) => {
        const { shardId, sequenceNumber } = g.heads[g.headIndexes[k]!]!;
        add(id, { successful: true, codes: [''], messages: [''], shardId, sequenceNumber });
      });
    }
  }
  return out;
}

/** Sends `count` records with ids 0.. (key `k<i>`, data `record <i>`) and returns what was sent. */
export function sendNumbered(
  d: DaemonRun,
  count: number,
): { partitionKey: string; data: Buffer }[] {
  const sent = [];
  for (let i = 0; i < count; i++) {
    const rec = { partitionKey: `k${i}`, data: Buffer.from(`record ${i}`) };
    sent.push(rec);
    d.write(putFrame(i, rec.partitionKey, rec.data));
  }
  return sent;
}

/** Waits until `count` records have their result, and returns the results by record id. */
export function resultsFor(d: DaemonRun, count: number, timeoutMs = 40_000) {
  return waitFor(
    'a result for every record',
    () => {
      const r = resultsById(d.messages);
      return r.size === count ? r : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
