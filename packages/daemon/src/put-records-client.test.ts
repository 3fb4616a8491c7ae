import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { FakeKinesis } from '../../../test/support/fake-kinesis.js';
import { listenLocally, stopServer } from '../../../test/support/http-server.js';
import { readConfig } from './config.js';
import { CredentialsHolder } from './credentials-holder.js';
import { buildBody, PutRecordsClient, type PutRecordsEntry } from './put-records-client.js';

function entry(data: Buffer, partitionKey: string, explicitHashKey: string): PutRecordsEntry {
  return {
    data: () => data,
    partitionKey: () => partitionKey,
    explicitHashKey: () => explicitHashKey,
  };
}

describe('buildBody', () => {
  test('lays out exactly the JSON the service expects, with nothing left over', () => {
    const keys = ['plain', 'quote"and\\slash', 'tab\there', 'é🎉unicode', '\u0001ctl', ''];
    const entries = keys.map((k, i) =>
      entry(randomBytes(i * 37), k || 'x', String(10n ** BigInt(i))),
    );
    const body = buildBody('my-stream', 'sid-1', entries);
    const parsed = JSON.parse(body.toString('utf8'));
    expect(parsed).toEqual({
      StreamName: 'my-stream',
      StreamId: 'sid-1',
      Records: entries.map((e) => ({
        Data: e.data().toString('base64'),
        PartitionKey: e.partitionKey(),
        ExplicitHashKey: e.explicitHashKey(),
      })),
    });
  });

  test('an empty data blob and no stream id', () => {
    const body = buildBody('s', undefined, [entry(Buffer.alloc(0), 'k', '0')]);
    expect(body.toString()).toBe(
      '{"StreamName":"s","Records":[{"Data":"","PartitionKey":"k","ExplicitHashKey":"0"}]}',
    );
  });
});

describe('PutRecordsClient against the fake Kinesis', () => {
  let fake: FakeKinesis;
  const creds = new CredentialsHolder();
  creds.set({ accessKeyId: 'AKIDCLIENT', secretAccessKey: 'client-secret' });
  let client: PutRecordsClient;

  beforeAll(async () => {
    fake = await FakeKinesis.start({
      streams: { s: 2 },
      verifySignatures: [{ accessKeyId: 'AKIDCLIENT', secretAccessKey: 'client-secret' }],
    });
    const c = readConfig(
      create(ConfigurationSchema, {
        region: 'us-east-1',
        kinesisEndpointUrl: fake.endpoint,
        requestTimeout: 300n,
      }),
    );
    client = new PutRecordsClient(c, creds, 'kinesis-producer/test');
  });
  afterAll(async () => {
    await client.close();
    await fake.stop();
  });

  const batch = () => [
    entry(Buffer.from('a'), 'k1', '1'),
    entry(Buffer.from('b'), 'k2', String(2n ** 127n)),
  ];

  test('a signed request succeeds with one result per entry', async () => {
    const out = await client.putRecords('s', undefined, batch());
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.records.map((r) => r.errorCode === undefined && r.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
  });

  test.each([
    [{ kind: 'status', status: 500 } as const, 'InternalFailure', 500],
    [
      { kind: 'status', status: 503, errorType: 'ServiceUnavailable' } as const,
      'ServiceUnavailable',
      503,
    ],
    [{ kind: 'reset' } as const, 'NetworkingError', 0],
    [{ kind: 'stall', ms: 2000 } as const, 'RequestTimeout', 0],
    [{ kind: 'malformed' } as const, 'MalformedResponse', 200],
  ])('%o fails the whole request as %s', async (fault, code, status) => {
    fake.injectFaults(fault, { times: 1 });
    const out = await client.putRecords('s', undefined, batch());
    expect(out).toMatchObject({ ok: false, code, status });
  });

  test('a partial failure reports the failing entries with their codes', async () => {
    fake.injectFaults({ kind: 'partial', fraction: 1 }, { times: 1 });
    const out = await client.putRecords('s', undefined, batch());
    expect(out.ok && out.records.every((r) => r.errorCode === 'InternalFailure')).toBe(true);
  });

  test('a rejected signature is a credentials error', async () => {
    creds.set({ accessKeyId: 'AKIDCLIENT', secretAccessKey: 'wrong' });
    const out = await client.putRecords('s', undefined, batch());
    creds.set({ accessKeyId: 'AKIDCLIENT', secretAccessKey: 'client-secret' });
    expect(out).toMatchObject({ ok: false, status: 400, code: 'InvalidSignatureException' });
  });
});

describe('requestTimeout is a deadline for the whole request', () => {
  test('an answer that trickles in, a byte at a time, times out as RequestTimeout', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.write('{');
      // Each byte comes well within requestTimeout of the last: only a deadline ends this.
      const t = setInterval(() => res.write(' '), 20);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    const port = await listenLocally(server);
    const creds = new CredentialsHolder();
    creds.set({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
    const c = readConfig(
      create(ConfigurationSchema, {
        region: 'us-east-1',
        kinesisEndpointUrl: `http://127.0.0.1:${port}`,
        requestTimeout: 300n,
      }),
    );
    const client = new PutRecordsClient(c, creds, 'test');
    try {
      const out = await client.putRecords('s', undefined, [entry(Buffer.from('a'), 'k', '1')]);
      expect(out).toMatchObject({ ok: false, status: 200, code: 'RequestTimeout' });
    } finally {
      for (const t of timers) clearInterval(t);
      await client.close();
      await stopServer(server);
    }
  });
});
