// The daemon run by hand: the `kinesis-producer` bin with --help, --version and a --json session
// that reads put, flush and metrics lines and answers each with a JSON line.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { deaggregateAll } from '../support/read-back.js';
import { TestProxy } from '../support/test-proxy.js';
import { waitFor } from '../support/wait.js';

const BIN = fileURLToPath(
  new URL('../../packages/kinesis-producer/dist/daemon.cjs', import.meta.url),
);
const PACKAGE = fileURLToPath(
  new URL('../../packages/kinesis-producer/package.json', import.meta.url),
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
}

/** Runs the bin itself (its shebang, not `node bin`), with only the environment given. */
function run(args: string[], input = '', env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (t: string) => (stdout += t));
    child.stderr.on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = args.includes('--json')
        ? stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      resolve({ code, stdout, stderr, lines });
    });
    child.stdin.end(input);
  });
}

/** The flags of a --json session against a Kinesis endpoint. */
const sessionAt = (endpoint: string) => [
  '--json',
  '--region',
  'us-east-1',
  '--kinesis-endpoint',
  endpoint,
];

const jsonLines = (...objects: unknown[]) =>
  objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n');

let dir: string;
let fake: FakeKinesis | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kp-standalone-'));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await fake?.stop();
  fake = undefined;
});

const credentialsEnv = {
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_CONFIG_FILE: '/nonexistent/kinesis-producer-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kinesis-producer-test/credentials',
};

describe('the bin', () => {
  test('is an executable script with a shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => accessSync(BIN, constants.X_OK)).not.toThrow();
    const pkg = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['kinesis-producer']).toBe('./dist/daemon.cjs');
  });

  test('is the daemon alone: the CLI and the SDK credential chain are a bundle beside it', () => {
    const daemon = readFileSync(BIN, 'utf8');
    const cli = readFileSync(join(BIN, '../cli.cjs'), 'utf8');
    // The daemon only ever signs with the credentials the wrapper pushes.
    expect(daemon).not.toContain('credential-provider-node');
    expect(daemon).not.toMatch(/function (runCli|runSession|helpText)\b/);
    expect(cli).toContain('credential-provider-node');
    expect(cli).toMatch(/function runCli\b/);
  });

  test('--help describes the JSON lines and every daemon option as a flag', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kinesis-producer --json/);
    expect(r.stdout).toMatch(/"op":"put"/);
    for (const flag of [
      '--region',
      '--kinesis-endpoint',
      '--record-ttl',
      '--aggregation-enabled',
    ]) {
      expect(r.stdout).toContain(`\n  ${flag} `);
    }
    // Wrapper settings and credentials are not flags.
    expect(r.stdout).not.toContain('--max-outstanding-records');
    expect(r.stdout).not.toContain('--credentials ');
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect([r.code, r.stdout]).toEqual([0, `kinesis-producer ${version}\n`]);
  });

  test.each([
    [['--region', 'us-east-1'], /say --json/],
    [['--json', '--record-ttl', 'soon'], /--record-ttl takes an integer, got soon/],
    [['--json', '--recrd-ttl', '5'], /unknown flag --recrd-ttl; did you mean --record-ttl\?/],
    [['--json', '--credentials', 'x'], /credentials never come from the command line/],
    [['--json', '--proxy-password', 'x'], /--proxy-password is not taken on the command line/],
    [['--json', '--max-outstanding-records', '5'], /a setting of the KinesisProducer object/],
    [['--json', '--rate-limit', '0'], /--rate-limit 0: an integer from 1 to/],
  ])('%j is refused with exit code 2 and a sentence that says why', async (args, why) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
  });
});

describe('--json', () => {
  test('puts, flushes and metrics, with credentials from the environment', async () => {
    fake = await FakeKinesis.start({ streams: { s: 2 }, verifySignatures: [TEST_CREDENTIALS] });
    const input = jsonLines(
      { op: 'put', stream: 's', partitionKey: 'a', data: 'hello' },
      { op: 'put', stream: 's', partitionKey: 'b', dataBase64: 'AAEC', id: 'mine' },
      { op: 'flush' },
      'not json',
      { op: 'put', stream: 's', partitionKey: '', data: 'no key' },
      { op: 'launch' },
      { op: 'metrics', name: 'UserRecordsPut', id: 'm' },
    );
    const r = await run(
      [...sessionAt(fake.endpoint), '--record-max-buffered-time', '50'],
      input,
      credentialsEnv,
    );
    expect(r.code).toBe(0);
    const byId = new Map(r.lines.map((l) => [l.id ?? `line ${l.line}`, l]));
    expect(byId.get(1)).toMatchObject({ op: 'put', successful: true, shardId: expect.any(String) });
    expect(byId.get('mine')).toMatchObject({ op: 'put', successful: true });
    expect(byId.get(3)).toEqual({ op: 'flush', id: 3 });
    expect(byId.get('line 4')).toMatchObject({
      op: 'error',
      message: expect.stringMatching(/not a JSON object/),
    });
    expect(byId.get(5)).toMatchObject({
      op: 'error',
      message: expect.stringMatching(/partitionKey/),
    });
    expect(byId.get(6)).toMatchObject({
      op: 'error',
      message: expect.stringMatching(/unknown op "launch"/),
    });
    expect(byId.get('m')).toMatchObject({ op: 'metrics', metrics: expect.any(Array) });
    // The flush is answered only after the records put before it.
    const order = r.lines.map((l) => l.id);
    expect(order.indexOf(3)).toBeGreaterThan(order.indexOf(1));
    expect(order.indexOf(3)).toBeGreaterThan(order.indexOf('mine'));
    const stored = deaggregateAll(fake.records('s'));
    expect(stored.map((x) => [x.partitionKey, x.data.toString('hex')]).sort()).toEqual([
      ['a', Buffer.from('hello').toString('hex')],
      ['b', '000102'],
    ]);
  });

  test('the proxy password comes from --proxy-password-file, and the proxy is used', async () => {
    fake = await FakeKinesis.start({ streams: { s: 1 }, verifySignatures: [TEST_CREDENTIALS] });
    const proxy = await TestProxy.start({ user: 'u', password: 'pRoXy-PaSs-5e6f' });
    try {
      const file = join(dir, 'proxy-password');
      writeFileSync(file, 'pRoXy-PaSs-5e6f\n', { mode: 0o600 });
      const r = await run(
        [
          ...sessionAt(fake.endpoint),
          '--proxy-host',
          '127.0.0.1',
          '--proxy-port',
          String(proxy.port),
          '--proxy-user-name',
          'u',
          '--proxy-password-file',
          file,
        ],
        jsonLines({ op: 'put', stream: 's', partitionKey: 'k', data: 'through the proxy' }),
        credentialsEnv,
      );
      expect(r.code).toBe(0);
      expect(r.lines[0]).toMatchObject({ op: 'put', successful: true });
      expect(proxy.forwarded.some((f) => f.startsWith('Kinesis_20131202.PutRecords'))).toBe(true);
      expect(deaggregateAll(fake.records('s')).map((x) => x.data.toString())).toEqual([
        'through the proxy',
      ]);
      expect(r.stderr).not.toContain('pRoXy-PaSs-5e6f');
    } finally {
      await proxy.stop();
    }
  });

  test('input that ends with only a metrics request waiting still ends the session', async () => {
    fake = await FakeKinesis.start({ streams: { s: 1 } });
    const child = spawn(
      BIN,
      ['--json', '--region', 'us-east-1', '--kinesis-endpoint', fake.endpoint],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { PATH: process.env.PATH ?? '', ...credentialsEnv },
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (t: string) => (out += t));
    const exited = new Promise<number | null>((r) => child.once('close', r));
    child.stdin.write(`${jsonLines({ op: 'put', stream: 's', partitionKey: 'k', data: 'x' })}\n`);
    await waitFor('the put result', () => out.includes('"op":"put"'));
    child.stdin.end(`${jsonLines({ op: 'metrics', id: 'last' })}\n`);
    expect(await exited).toBe(0);
    expect(out).toMatch(/"op":"metrics","id":"last"/);
  });

  test('a properties file configures it, and flags override the file', async () => {
    // The fake checks that signatures are scoped to its region: delivery proves the override.
    fake = await FakeKinesis.start({ streams: { s: 1 }, verifySignatures: [TEST_CREDENTIALS] });
    const file = join(dir, 'producer.properties');
    writeFileSync(
      file,
      `Region = eu-west-1\nKinesisEndpoint = ${fake.endpoint}\nLogLevel = debug\nAggregationEnabled = false\n`,
    );
    const r = await run(
      ['--json', '--properties', file, '--region', 'us-east-1'],
      jsonLines({ op: 'put', stream: 's', partitionKey: 'k', data: 'from a file' }),
      credentialsEnv,
    );
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([expect.objectContaining({ op: 'put', id: 1, successful: true })]);
    // LogLevel from the file: the daemon's debug lines are on stderr.
    expect(r.stderr).toMatch(/^debug configured$/m);
    // Not aggregated, as the file says: the stored record is the payload itself.
    expect(fake.records('s')[0]!.data.toString()).toBe('from a file');
  });

  test('without a region the daemon refuses its configuration: a fatal line and exit code 1', async () => {
    const r = await run(
      ['--json', '--kinesis-endpoint', 'http://127.0.0.1:9'],
      jsonLines({ op: 'flush' }),
      credentialsEnv,
    );
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({
      op: 'fatal',
      code: 'CONFIG',
      message: expect.stringMatching(/no region/),
    });
    expect(r.stderr).toMatch(/^fatal CONFIG: no region/m);
  });
});
