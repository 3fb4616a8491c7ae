// TLS to a private endpoint: a host and port mean HTTPS; the certificate is verified against the
// system's roots plus caCertPath (a PEM file or a directory of them); verifyCertificate: false
// turns the check off. The server here is a local HTTPS front signed by a CA made for the test.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DaemonExitedError,
  type KinesisProducerOptions,
  UserRecordFailedError,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { HttpsFront } from '../support/https-front.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { createTestCa, type TestCa } from '../support/test-ca.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

let ca: TestCa;
let fake: FakeKinesis;
let front: HttpsFront;

beforeAll(async () => {
  ca = createTestCa();
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  front = await HttpsFront.start({ target: fake.endpoint, key: ca.key, cert: ca.cert });
});
afterAll(async () => {
  await front?.stop();
  await fake?.stop();
  ca?.remove();
});

let before = 0;
let next = 0;
afterEach(() => {
  before = fake.records('s').length;
});

async function deliver(options: KinesisProducerOptions, count = 300) {
  const putRecords = front.count('PutRecords');
  const listShards = front.count('ListShards');
  const producer = producerFor('localhost', { kinesisPort: front.port, ...options });
  const run = sendRecords(producer, 's', count, { from: next });
  next += count;
  try {
    await run.done;
    // Records can all be sent before the shard map is read (they then go unaggregated).
    await waitFor('ListShards over TLS', () => front.count('ListShards') > listShards);
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  const found = deaggregateAll(fake.records('s').slice(before));
  verifyDelivery(run.sent, found, fake.shards('s'));
  // Both the data path and the SDK's control plane went over TLS to the front.
  expect(front.count('PutRecords')).toBeGreaterThan(putRecords);
}

describe('a custom CA', () => {
  test('given as a PEM file, makes the private endpoint trusted', async () => {
    await deliver({ caCertPath: ca.caPath });
  });

  test('given as a directory of PEM files (the KPL way), makes it trusted too', async () => {
    const dir = join(ca.dir, 'ca-dir');
    mkdirSync(dir, { recursive: true });
    copyFileSync(ca.caPath, join(dir, '3f2a9c1b.0'));
    writeFileSync(join(dir, 'README'), 'not a certificate\n');
    await deliver({ caCertPath: dir });
  });

  test('given as caCertFile, the KPL name for a bundle, works the same', async () => {
    await deliver({ caCertFile: ca.caPath });
  });
});

test('verifyCertificate: false accepts a certificate nobody vouches for', async () => {
  await deliver({ verifyCertificate: false });
});

test('without the CA the endpoint is refused and records fail with the TLS error', async () => {
  const errors = front.tlsErrors;
  const producer = producerFor('localhost', { kinesisPort: front.port, recordTtl: 800 });
  const run = sendRecords(producer, 's', 5, { from: next });
  next += 5;
  try {
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.ok).toHaveLength(0);
  expect(run.failed).toHaveLength(5);
  for (const { err } of run.failed) {
    expect(err).toBeInstanceOf(UserRecordFailedError);
    const messages = err.result.attempts.map((a) => a.errorMessage ?? '').join(' ');
    expect(messages).toMatch(/certificate/i);
  }
  expect(front.tlsErrors).toBeGreaterThan(errors);
});

test('a caCertPath that cannot be read stops the daemon with an error naming it', async () => {
  const producer = producerFor('localhost', {
    kinesisPort: front.port,
    caCertPath: join(ca.dir, 'no-such-ca.pem'),
  });
  const err = await producer.addUserRecord('s', 'k', 'x').catch((e: unknown) => e);
  await producer.close().catch(() => {});
  expect(err).toBeInstanceOf(DaemonExitedError);
  expect((err as Error).message).toMatch(/caCertPath .*no-such-ca\.pem/);
});
