// What every scenario shares: the endpoint processes, the user's process each client runs in
// (user-process.ts, fresh for every run, so no run inherits another's heap or JIT state), the
// stream names, and a few figures.

import { runScript, type ScriptChild } from './proc.js';
import type { UserResult, UserSpec } from './user-process.js';

/** An endpoint process: instant-kinesis.ts or fake-kinesis-server.ts. */
export interface Endpoint {
  url: string;
  pid: number;
  stats(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startEndpoint(script: string, shards: number): Promise<Endpoint> {
  // Endpoints stay on the orchestrator's Node whichever one the clients are measured on.
  const child: ScriptChild = runScript(script, [String(shards)], { node: process.execPath });
  const port = await child.line('READY ', 30_000);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stats() {
      child.send('stats');
      return JSON.parse(await child.line('{', 10_000).then((l) => `{${l}`));
    },
    stop: () => child.stop(),
  };
}

export async function runUser(
  spec: UserSpec,
  nodeArgs: string[] = [],
  marks?: { start(): Promise<unknown>; end(): Promise<unknown> },
): Promise<UserResult> {
  const child = runScript('scripts/bench/user-process.ts', [JSON.stringify(spec)], { nodeArgs });
  const marked = marks
    ? (async () => {
        await child.line('MARK start');
        await marks.start();
        await child.line('MARK end');
        await marks.end();
      })()
    : undefined;
  const line = await child.line('RESULT ');
  await marked;
  await child.exited;
  return JSON.parse(line) as UserResult;
}

/**
 * The instant endpoint gives a stream named "s<N>" N shards. Streams are sized as an operator
 * would for the rates measured (the producer's rate limiter holds each shard to 150 % of
 * 1 MiB/s): 300k records/s of 100 B need at least 36 shards; 10 KiB records at 200 MB/s, 200.
 */
export function streamFor(recordSize: number): string {
  return recordSize <= 100 ? 's64' : 's256';
}

/** Share of the measured phase a process waited for a CPU (other load on the machine). */
export function waitPercent(ms: number | undefined, seconds: number): number | undefined {
  return ms === undefined ? undefined : (100 * ms) / (seconds * 1000);
}

export const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
