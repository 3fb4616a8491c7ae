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

export function runDaemon(): DaemonRun {
  const child = spawn(process.execPath, [DAEMON_PATH], {
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
