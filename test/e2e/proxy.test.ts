// A proxy between the producer and AWS: every request, PutRecords, the SDK's ListShards and the
// schema registry's Glue calls alike, goes through it with the configured Proxy-Authorization;
// https through a CONNECT tunnel (the certificate still checked end to end), plain http
// forwarded.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { decodeGsrRecord } from '../../packages/aggregation/src/index.js';
import {
  type KinesisProducerOptions,
  type Schema,
  SchemaRegistryError,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeGlue } from '../support/fake-glue.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { HttpsFront } from '../support/https-front.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { createTestCa, type TestCa } from '../support/test-ca.js';
import { TestProxy } from '../support/test-proxy.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

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
  const lists = fake.stats.byOperation.ListShards ?? 0;
  const producer = producerFor(endpoint, { ...viaProxy, proxyPort: proxy.port, ...options });
  const run = sendRecords(producer, 's', 300, { from: next });
  next += 300;
  try {
    await run.done;
    // Records can all be sent before the shard map is read (they then go unaggregated): when
    // they got through, so will the ListShards, and the tests look for it.
    if (run.failed.length === 0) {
      await waitFor('ListShards', () => (fake.stats.byOperation.ListShards ?? 0) > lists);
    }
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

test("the schema registry's Glue calls take the same proxy and trust the same extra CA", async () => {
  const glue = await FakeGlue.start({ credentials: [TEST_CREDENTIALS] });
  const glueFront = await HttpsFront.start({ target: glue.endpoint, key: ca.key, cert: ca.cert });
  const schema: Schema = {
    name: 'ViaProxy',
    dataFormat: 'JSON',
    definition: JSON.stringify({ type: 'object', properties: { i: { type: 'integer' } } }),
  };
  const options: KinesisProducerOptions = {
    ...viaProxy,
    proxyPort: proxy.port,
    schemaRegistry: { endpoint: `https://localhost:${glueFront.port}`, autoRegistration: true },
  };
  try {
    // Without the extra CA, the Glue endpoint's certificate is refused: the record fails alone.
    const refused = producerFor(fake.endpoint, options);
    try {
      const record = { streamName: 's', partitionKey: 'refused', data: Buffer.from('{}'), schema };
      await expect(refused.addUserRecord(record)).rejects.toThrow(SchemaRegistryError);
    } finally {
      await refused.close();
    }
    expect(glue.calls).toHaveLength(0);

    const tunnels = proxy.tunnels.length;
    const already = fake.records('s').length;
    const sent = Array.from({ length: 50 }, (_, i) => ({
      partitionKey: `gsr-${i}`,
      data: Buffer.from(JSON.stringify({ i })),
    }));
    const p = producerFor(fake.endpoint, { ...options, caCertPath: ca.caPath });
    try {
      const results = await Promise.all(
        sent.map((r) => p.addUserRecord({ streamName: 's', ...r, schema })),
      );
      expect(results.every((r) => r.successful)).toBe(true);
    } finally {
      await p.close();
    }
    expect(proxy.tunnels.slice(tunnels)).toContain(`localhost:${glueFront.port}`);
    expect(glueFront.count('GetSchemaByDefinition')).toBe(1);
    expect(glueFront.count('CreateSchema')).toBe(1);
    const versionId = glue.versions('default-registry', schema.name)[0]!.id;
    const found = new Map(
      deaggregateAll(fake.records('s').slice(already)).map((r) => [r.partitionKey, r.data]),
    );
    expect(found.size).toBe(sent.length);
    for (const r of sent) {
      const decoded = decodeGsrRecord(found.get(r.partitionKey)!);
      expect(decoded.schemaVersionId).toBe(versionId);
      expect(decoded.data.equals(r.data)).toBe(true);
    }
  } finally {
    await glueFront.stop();
    await glue.stop();
  }
});
