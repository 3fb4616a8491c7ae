// Secrets (the secret key, the session token, the proxy password) reach the daemon only inside
// frames on its stdin: never on its command line, never in its environment (even when the
// parent's environment holds them), and never in a log line, at any level.
import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from '@jest/globals';
import {
  type CredentialIdentity,
  InvalidOptionError,
  KinesisProducer,
  type KinesisProducerOptions,
} from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { optionsFromProperties } from '../../packages/options/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { TestProxy } from '../support/test-proxy.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const SECRET_KEY = 'sEcReT-kEy-7f3a9b2c1d0e';
const SESSION_TOKEN = 'sEsSiOn-ToKeN-4e5f6a7b8c9d';
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'pRoXy-PaSs-0a1b2c3d';
const IDENTITY = { accessKeyId: 'AKIDSECRETSTEST', secretAccessKey: SECRET_KEY };

let fake: FakeKinesis | undefined;
let proxy: TestProxy | undefined;
const savedEnv = { ...process.env };
afterEach(async () => {
  process.env = { ...savedEnv };
  await proxy?.stop();
  await fake?.stop();
  fake = proxy = undefined;
});

function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
}

test('no secret on the daemon command line, in its environment, or in any log line', async () => {
  // The parent's environment holds the secrets too: the daemon must not inherit them.
  process.env.AWS_SECRET_ACCESS_KEY = SECRET_KEY;
  process.env.AWS_SESSION_TOKEN = SESSION_TOKEN;
  process.env.HTTPS_PROXY = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1`;

  fake = await FakeKinesis.start({ streams: { s: 2 }, verifySignatures: [IDENTITY] });
  proxy = await TestProxy.start({ user: PROXY_USER, password: PROXY_PASSWORD });
  // Some trouble, so that warnings and retries get logged too.
  fake.injectFaults({ kind: 'status', status: 503 }, { times: 3 });
  const logs: string[] = [];
  const capture =
    (level: string) =>
    (msg: string, ...args: unknown[]) =>
      logs.push(`${level} ${msg} ${args.map((a) => JSON.stringify(a) ?? String(a)).join(' ')}`);
  let calls = 0;
  const producer = producerFor(fake.endpoint, {
    credentials: async (): Promise<CredentialIdentity> => {
      if (++calls === 1) throw new Error('first call fails, to log a warning');
      return { ...IDENTITY, sessionToken: SESSION_TOKEN };
    },
    credentialsRefreshDelay: 100,
    proxyHost: '127.0.0.1',
    proxyPort: proxy.port,
    proxyUserName: PROXY_USER,
    proxyPassword: PROXY_PASSWORD,
    logLevel: 'trace',
    logger: {
      trace: capture('trace'),
      debug: capture('debug'),
      info: capture('info'),
      warn: capture('warn'),
      error: capture('error'),
    },
  });
  const internals = producerInternals(producer);
  const stderr: string[] = [];
  internals.daemonStderr.on('data', (chunk: string | Buffer) => stderr.push(String(chunk)));
  const pid = internals.daemonPid!;
  let cmdline = '';
  let environ = '';
  let run: ReturnType<typeof sendRecords>;
  try {
    run = sendRecords(producer, 's', 300);
    await run.done;
    // The daemon is still running: read what any local user could read about it.
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    await waitFor('a credentials refresh', () => calls >= 4);
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  verifyDelivery(run.sent, deaggregateAll(fake.records('s')), fake.shards('s'));
  // The session ran as intended: through the proxy, with the secret key, with trace logging.
  expect(proxy.forwarded.length).toBeGreaterThan(0);
  expect(cmdline).toContain('daemon');
  expect(environ.length).toBeGreaterThan(0);
  expect(logs.some((l) => l.startsWith('warn ') && l.includes('first call fails'))).toBe(true);
  expect(stderr.join('').length).toBeGreaterThan(0);

  const haystacks = {
    cmdline,
    environ,
    logs: logs.join('\n'),
    stderr: stderr.join(''),
  };
  const secrets = [
    ...forms(SECRET_KEY),
    ...forms(SESSION_TOKEN),
    ...forms(PROXY_PASSWORD),
    Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64'),
  ];
  for (const [where, text] of Object.entries(haystacks)) {
    for (const s of secrets) {
      if (text.includes(s)) throw new Error(`a secret (${s.slice(0, 6)}…) appears in ${where}`);
    }
  }
});

test('an option error never repeats a secret option or an unknown option, in its message or fields', () => {
  const refused = (options: Record<string, unknown>): InvalidOptionError => {
    try {
      new KinesisProducer(options as KinesisProducerOptions);
    } catch (err) {
      if (err instanceof InvalidOptionError) return err;
      throw err;
    }
    throw new Error('the options were accepted');
  };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    // A key pair pasted as a string where an identity or a provider belongs.
    [{ credentials: `AKIDSECRETSTEST:${SECRET_KEY}` }, 'credentials', /a string of 39 characters/],
    [{ metricsCredentials: SECRET_KEY }, 'metricsCredentials', /a string of 23 characters/],
    // A secret under a name that is not an option.
    [{ secretAccessKey: SECRET_KEY }, 'secretAccessKey', /a string of 23 characters/],
    [{ sessionToken: SESSION_TOKEN }, 'sessionToken', /a string of 26 characters/],
    [{ proxyPassword: 42 }, 'proxyPassword', /a number/],
    [{ schemaRegistry: { credentials: SECRET_KEY } }, 'schemaRegistry.credentials', /a string/],
    [
      { schemaRegistry: { secretAccessKey: SECRET_KEY } },
      'schemaRegistry.secretAccessKey',
      /a string/,
    ],
  ];
  for (const [options, option, got] of cases) {
    const err = refused(options);
    expect(err.option).toBe(option);
    expect(err.message).toMatch(got);
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${String(err.value)}`;
    for (const s of [SECRET_KEY, SESSION_TOKEN]) expect(everything).not.toContain(s);
  }
  // The properties file's error for a value it cannot take says the key, not the value.
  try {
    optionsFromProperties(`ProxyPassword = ${PROXY_PASSWORD}\nRecordTtl = ${PROXY_PASSWORD}\n`);
    throw new Error('accepted');
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as Error).message).toContain('RecordTtl');
  }
});
