import { type KinesisClient, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, test } from '@jest/globals';
import type { FakeKinesisOptions } from './fake-kinesis.js';
import {
  entries,
  onTearDown,
  rawPost,
  rejection,
  startFake,
  tearDownAfterEach,
} from './fake-kinesis-harness.js';
import { localKinesisClient } from './kinesis-client.js';

tearDownAfterEach();

describe('FakeKinesis signatures', () => {
  const opts: FakeKinesisOptions = {
    streams: { s: 1 },
    verifySignatures: [{ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }],
  };

  test('accepts a request signed with a known key', async () => {
    const { client } = await startFake(opts);
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(3) }));
    expect(out.FailedRecordCount).toBe(0);
    expect((await client.send(new ListShardsCommand({ StreamName: 's' }))).Shards).toHaveLength(1);
  });

  test('rejects a wrong secret, an unknown key, a wrong region and no signature', async () => {
    const { fake } = await startFake(opts);
    const call = async (client: KinesisClient) => {
      onTearDown(() => client.destroy());
      return rejection(client.send(new ListShardsCommand({ StreamName: 's' })));
    };
    const wrongSecret = await call(
      localKinesisClient(fake.endpoint, {
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-the-secret' },
      }),
    );
    expect([wrongSecret.name, wrongSecret.$metadata?.httpStatusCode]).toEqual([
      'InvalidSignatureException',
      400,
    ]);
    const unknownKey = await call(
      localKinesisClient(fake.endpoint, {
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'test-secret' },
      }),
    );
    expect(unknownKey.name).toBe('UnrecognizedClientException');
    const otherRegion = await call(
      localKinesisClient(fake.endpoint, { maxAttempts: 1, region: 'eu-west-1' }),
    );
    expect(otherRegion.name).toBe('InvalidSignatureException');
    const unsigned = await rawPost(
      fake.endpoint,
      'Kinesis_20131202.ListShards',
      '{"StreamName":"s"}',
    );
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  test('rejects a body changed after signing', async () => {
    const { fake, client } = await startFake(opts);
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: Uint8Array | string };
        const bytes = request.body as Uint8Array;
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
        request.body = text.replace('"s"', '"t"');
        return next(args);
      },
      // The deserialize step runs after signing, just before the request is sent.
      { step: 'deserialize', name: 'tamper' },
    );
    const err = await rejection(client.send(new ListShardsCommand({ StreamName: 's' })));
    expect(err.name).toBe('InvalidSignatureException');
    expect(fake.stats.byOperation.ListShards).toBe(1);
  });
});
