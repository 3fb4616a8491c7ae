// A proxy between the producer and Kinesis: every request, PutRecords and the SDK's ListShards
// alike, goes through it with the configured Proxy-Authorization; https through a CONNECT
// tunnel (the certificate still checked end to end), plain http forwarded.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { KinesisProducerOptions } from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { HttpsFront } from '../support/https-front.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { createTestCa, type TestCa } from '../support/test-ca.js';
import { TestProxy } from '../support/test-proxy.js';
import { verifyDelivery } from '../support/verify.js';

const AUTH = { user: 'proxy-user', password: 'pr0xy:p@ss word' };

let ca: TestCa;
let fake: FakeKinesis;
let front: HttpsFront;
let proxy: TestProxy;
let next = 0;

beforeAll(async () => {
  ca = createTestCa();
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  front = await HttpsFront.start({ target: fake.endpoint, key: ca.key, cert: ca.cert });
  proxy = await TestProxy.start(AUTH);
});
afterAll(async () => {
  await proxy?.stop();
  await front?.stop();
  await fake?.stop();
  ca?.remove();
});

const viaProxy: KinesisProducerOptions = {
  proxyHost: '127.0.0.1',
  proxyUserName: AUTH.user,
  proxyPassword: AUTH.password,
};

async function deliver(endpoint: string, options: KinesisProducerOptions) {
  const already = fake.records('s').length;
  const producer = producerFor(endpoint, { ...viaProxy, proxyPort: proxy.port, ...options });
  const run = sendRecords(producer, 's', 300, { from: next });
  next += 300;
  try {
    await run.done;
  } finally {
    await producer.close();
  }
  return { run, found: deaggregateAll(fake.records('s').slice(already)) };
}

test('plain http is forwarded through the proxy, with its credentials', async () => {
  const forwarded = proxy.forwarded.length;
  const { run, found } = await deliver(fake.endpoint, {});
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  verifyDelivery(run.sent, found, fake.shards('s'));
  const host = new URL(fake.endpoint).host;
  const seen = proxy.forwarded.slice(forwarded);
  expect(seen).toContain(`Kinesis_20131202.ListShards ${host}`);
  expect(seen).toContain(`Kinesis_20131202.PutRecords ${host}`);
  expect(proxy.refused).toBe(0);
});

test('https is tunnelled with CONNECT and the endpoint certificate is still verified', async () => {
  const tunnels = proxy.tunnels.length;
  const puts = front.count('PutRecords');
  const lists = front.count('ListShards');
  const { run, found } = await deliver('localhost', {
    kinesisPort: front.port,
    caCertPath: ca.caPath,
  });
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  verifyDelivery(run.sent, found, fake.shards('s'));
  expect(proxy.tunnels.slice(tunnels)).toContain(`localhost:${front.port}`);
  expect(front.count('PutRecords')).toBeGreaterThan(puts);
  expect(front.count('ListShards')).toBeGreaterThan(lists);
  expect(proxy.refused).toBe(0);
});

test('a wrong proxy password is refused by the proxy and nothing reaches Kinesis', async () => {
  const refused = proxy.refused;
  const puts = front.count('PutRecords');
  const { run, found } = await deliver('localhost', {
    kinesisPort: front.port,
    caCertPath: ca.caPath,
    proxyPassword: 'wrong',
    recordTtl: 600,
  });
  expect(run.ok).toHaveLength(0);
  expect(run.failed).toHaveLength(300);
  expect(found).toHaveLength(0);
  expect(proxy.refused).toBeGreaterThan(refused);
  expect(front.count('PutRecords')).toBe(puts);
  const messages = run.failed[0]!.err.result.attempts.map((a) => a.errorMessage).join(' ');
  expect(messages).toMatch(/407/);
});
