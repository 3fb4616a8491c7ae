// Every example in examples/, run as a user runs it (node with tsx, from examples/), against a
// kinesalite the test started (KINESIS_ENDPOINT), so the test reads back what the example
// produced after it has exited and compares every record with what the example sends.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { deaggregateAll, listAllShards, readAllRecords } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
});
afterAll(async () => {
  await emu?.stop();
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runExample(script: string, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: EXAMPLES,
    env: { ...process.env, KINESIS_ENDPOINT: emu.endpoint, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

async function expectSuccess(run: Run): Promise<string> {
  const { code, signal } = await run.exit;
  if (code !== 0) throw new Error(`exit ${code ?? signal}; output:\n${run.output()}`);
  return run.output();
}

async function expectStream(stream: string, sent: SentRecord[]): Promise<void> {
  const shards = await listAllShards(emu.client, stream);
  const found = deaggregateAll(await readAllRecords(emu.client, stream));
  verifyDelivery(sent, found, shards);
}

const record = (partitionKey: string, data: string): SentRecord => ({
  partitionKey,
  data: Buffer.from(data),
});

describe('examples', () => {
  test('pipeline: an async iterable into writable(), every record delivered once', async () => {
    await createStream(emu, 'clicks', 2);
    const out = await expectSuccess(runExample('pipeline/main.ts'));
    expect(out).toContain('5000 records written, 0 failed');
    const sent = Array.from({ length: 5000 }, (_, i) =>
      record(`session-${i % 250}`, JSON.stringify({ click: i })),
    );
    await expectStream('clicks', sent);
  });

  test('lambda-producer: every invocation flushed before it returned; nothing lost at the freeze', async () => {
    await createStream(emu, 'events-lambda', 2);
    const out = await expectSuccess(
      runExample('lambda-producer/main.ts', { STREAM_NAME: 'events-lambda' }),
    );
    expect(out.match(/invocation \d: \{"published":40\}/g)).toHaveLength(5);
    const sent: SentRecord[] = [];
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 40; i++) {
        sent.push(record(`item-${n}-${i}`, JSON.stringify({ id: `item-${n}-${i}`, n, i })));
      }
    }
    await expectStream('events-lambda', sent);
  });

  test('lambda-consumer: deaggregate() in the handler sees each produced record once', async () => {
    await createStream(emu, 'readings', 2);
    const out = await expectSuccess(runExample('lambda-consumer/main.ts'));
    const handled = out
      .split('\n')
      .filter((l) => l.startsWith('{"handled"'))
      .map((l) => (JSON.parse(l) as { handled: { partitionKey: string; data: string } }).handled)
      .map((h) => `${h.partitionKey}|${h.data}`)
      .sort();
    const expected = Array.from({ length: 600 }, (_, i) => `sensor-${i % 40}|reading ${i}`).sort();
    expect(handled).toEqual(expected);
    // And they came aggregated, one Kinesis record per sensor: the handler really split them.
    const stored = await readAllRecords(emu.client, 'readings');
    expect(stored).toHaveLength(40);
  });

  test('metrics: Prometheus and OpenTelemetry both count every record put', async () => {
    await createStream(emu, 'metered', 1);
    const out = await expectSuccess(runExample('metrics/main.ts'));
    expect(out).toMatch(
      /prometheus: kinesis_producer_sum\{metric="UserRecordsPut",stream="",shard="",error_code=""\} 1000\n/,
    );
    expect(out).toContain('opentelemetry: kinesis_producer.UserRecordsPut 1000\n');
    const sent = Array.from({ length: 1000 }, (_, i) => record(`k${i % 50}`, `m${i}`));
    await expectStream('metered', sent);
  });

  test('http-service: SIGTERM while requests are under way; exit 0 and every 202 is in the stream', async () => {
    await createStream(emu, 'events', 2);
    const run = runExample('http-service/main.ts', { PORT: '0' });
    const url = await waitFor(
      'the service to listen',
      () => run.output().match(/listening on (http:\/\/[\d.:]+)/)?.[1],
      { timeoutMs: 60_000 },
    );
    const accepted: SentRecord[] = [];
    let n = 0;
    // Clients that keep posting until the service stops taking connections.
    const client = async () => {
      for (;;) {
        const key = `user-${n % 97}`;
        const body = `event ${n++}`;
        const status = await post(`${url}/events/${key}`, body).catch(() => undefined);
        if (status === undefined) return;
        expect(status).toBe(202);
        accepted.push(record(key, body));
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await waitFor('some requests to be answered', () => accepted.length >= 200, {
      timeoutMs: 60_000,
    });
    run.child.kill('SIGTERM');
    await Promise.all(clients);
    const out = await expectSuccess(run);
    expect(out).toContain('SIGTERM: no new requests; draining');
    expect(out).toContain('producer closed');
    await expectStream('events', accepted);
  });
});

/** One POST on its own connection; resolves with the status, rejects when not connected. */
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
