import { request } from 'node:http';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, test } from '@jest/globals';
import { FakeKinesis, type FakeKinesisOptions } from './fake-kinesis.js';
import { MAX_HASH_KEY, partitionKeyHash } from './hash-key.js';
import { localKinesisClient } from './kinesis-client.js';
import { deaggregateAll, listAllShards, readAllRecords } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startFake(
  opts: FakeKinesisOptions,
): Promise<{ fake: FakeKinesis; client: KinesisClient }> {
  const fake = await FakeKinesis.start(opts);
  const client = localKinesisClient(fake.endpoint, { maxAttempts: 1 });
  cleanups.push(
    () => fake.stop(),
    () => client.destroy(),
  );
  return { fake, client };
}

function entries(
  n: number,
  prefix = 'r',
  extra: Partial<PutRecordsRequestEntry> = {},
): PutRecordsRequestEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    PartitionKey: `${prefix}-pk-${i}`,
    Data: Buffer.from(`${prefix}-data-${i}`),
    ...extra,
  }));
}

async function rejection(
  p: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** A raw request, to see the wire format rather than what the SDK makes of it. */
function rawPost(
  endpoint: string,
  target: string,
  body: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('FakeKinesis with the real SDK', () => {
  test('lists shards splitting the hash space evenly, page by page', async () => {
    const { client } = await startFake({ streams: { s: 5 } });
    const first = await client.send(
      new ListShardsCommand({ StreamName: 's', MaxResults: 2, ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(first.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    expect(first.NextToken).toBeTruthy();
    const rest = await client.send(
      new ListShardsCommand({ NextToken: first.NextToken, MaxResults: 10 }),
    );
    expect(rest.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    expect(rest.NextToken).toBeUndefined();
    const all = [...first.Shards!, ...rest.Shards!];
    expect(all[0]!.HashKeyRange!.StartingHashKey).toBe('0');
    expect(all[4]!.HashKeyRange!.EndingHashKey).toBe(MAX_HASH_KEY.toString());
    for (let i = 1; i < all.length; i++) {
      expect(BigInt(all[i]!.HashKeyRange!.StartingHashKey!)).toBe(
        BigInt(all[i - 1]!.HashKeyRange!.EndingHashKey!) + 1n,
      );
    }
    const both = await rejection(
      client.send(new ListShardsCommand({ StreamName: 's', NextToken: first.NextToken })),
    );
    expect(both.name).toBe('InvalidArgumentException');
  });

  test('listAllShards follows NextToken past 1000 shards', async () => {
    const { client } = await startFake({ streams: { big: 1100 } });
    const shards = await listAllShards(client, 'big');
    expect(shards).toHaveLength(1100);
    expect(shards[1099]).toMatchObject({
      shardId: 'shardId-000000001099',
      endingHashKey: MAX_HASH_KEY,
      closed: false,
    });
  });

  test('describes a stream and refuses an unknown one', async () => {
    const { client } = await startFake({ streams: { s: 3 } });
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: 's' }));
    expect(out.StreamDescriptionSummary).toMatchObject({
      StreamName: 's',
      StreamStatus: 'ACTIVE',
      OpenShardCount: 3,
      StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    });
    expect(out.StreamDescriptionSummary!.StreamCreationTimestamp).toBeInstanceOf(Date);
    const err = await rejection(
      client.send(new DescribeStreamSummaryCommand({ StreamName: 'nope' })),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe('Stream nope under account 000000000000 not found.');
  });

  test('routes by MD5 of the partition key or by the explicit hash key, and reads back', async () => {
    const { fake, client } = await startFake({ streams: { s: 4 } });
    const sent: SentRecord[] = [];
    const batch = entries(300);
    batch[0]!.ExplicitHashKey = '0';
    batch[1]!.ExplicitHashKey = MAX_HASH_KEY.toString();
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(300);
    for (const [i, e] of batch.entries()) {
      sent.push({
        partitionKey: e.PartitionKey!,
        explicitHashKey: e.ExplicitHashKey,
        data: Buffer.from(e.Data!),
        result: {
          shardId: out.Records![i]!.ShardId,
          sequenceNumber: out.Records![i]!.SequenceNumber,
        },
      });
    }
    expect(out.Records![0]!.ShardId).toBe('shardId-000000000000');
    expect(out.Records![1]!.ShardId).toBe('shardId-000000000003');
    const one = await client.send(
      new PutRecordCommand({ StreamName: 's', PartitionKey: 'single', Data: Buffer.from('one') }),
    );
    sent.push({
      partitionKey: 'single',
      data: Buffer.from('one'),
      result: { shardId: one.ShardId, sequenceNumber: one.SequenceNumber },
    });
    const expectedShard = Number(partitionKeyHash('single') / ((MAX_HASH_KEY + 1n) / 4n));
    expect(one.ShardId).toBe(`shardId-00000000000${expectedShard}`);

    const seqs = sent.map((s) => BigInt(s.result!.sequenceNumber!));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);

    const stored = await readAllRecords(client, 's');
    expect(stored).toHaveLength(301);
    verifyDelivery(sent, deaggregateAll(stored), await listAllShards(client, 's'));
    // What the fake says it holds agrees with what GetRecords returned.
    expect(fake.records('s')).toHaveLength(301);
    expect(fake.records('s')[0]).toMatchObject({ explicitHashKey: '0', partitionKey: 'r-pk-0' });
    verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
    // PutRecord does not count in the PutRecords entry stats.
    expect(fake.stats).toMatchObject({
      putRecordsCalls: 1,
      entries: 300,
      acceptedEntries: 300,
      failedEntries: 0,
    });
    expect(fake.stats.byOperation.PutRecord).toBe(1);
  });

  test('GetRecords pages by Limit and readAllRecords drains a shard over 10000 records', async () => {
    const { client } = await startFake({ streams: { s: 1 } });
    for (let i = 0; i < 25; i++) {
      await client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(500, `b${i}`) }));
    }
    const it = await client.send(
      new GetShardIteratorCommand({
        StreamName: 's',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 3 }),
    );
    expect(page.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual([
      'b0-data-0',
      'b0-data-1',
      'b0-data-2',
    ]);
    expect(page.MillisBehindLatest).toBeGreaterThan(0);
    const next = await client.send(
      new GetRecordsCommand({ ShardIterator: page.NextShardIterator, Limit: 1 }),
    );
    expect(Buffer.from(next.Records![0]!.Data!).toString()).toBe('b0-data-3');
    const after = await client.send(
      new GetShardIteratorCommand({
        StreamName: 's',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: page.Records![2]!.SequenceNumber,
      }),
    );
    const afterPage = await client.send(
      new GetRecordsCommand({ ShardIterator: after.ShardIterator, Limit: 1 }),
    );
    expect(afterPage.Records![0]!.SequenceNumber).toBe(next.Records![0]!.SequenceNumber);
    const all = await readAllRecords(client, 's');
    expect(all).toHaveLength(12_500);
    expect(all[12_499]!.data.toString()).toBe('b24-data-499');
  });

  test('enforces request limits', async () => {
    const { fake, client } = await startFake({
      streams: { s: 1 },
      maxRecordBytes: 100,
      maxRequestBytes: 1000,
    });
    const tooMany = await rejection(
      client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(501) })),
    );
    expect(tooMany.name).toBe('ValidationException');
    const big = [{ PartitionKey: 'k', Data: Buffer.alloc(100) }];
    expect(
      (await rejection(client.send(new PutRecordsCommand({ StreamName: 's', Records: big })))).name,
    ).toBe('ValidationException');
    // 99 bytes of data plus a 1-byte key is exactly the limit.
    const fits = await client.send(
      new PutRecordsCommand({
        StreamName: 's',
        Records: [{ PartitionKey: 'k', Data: Buffer.alloc(99) }],
      }),
    );
    expect(fits.FailedRecordCount).toBe(0);
    const eleven = Array.from({ length: 11 }, () => ({
      PartitionKey: 'k',
      Data: Buffer.alloc(90),
    }));
    expect(
      (await rejection(client.send(new PutRecordsCommand({ StreamName: 's', Records: eleven }))))
        .name,
    ).toBe('InvalidArgumentException');
    const badKey = [
      {
        PartitionKey: 'k',
        Data: Buffer.from('x'),
        ExplicitHashKey: (MAX_HASH_KEY + 1n).toString(),
      },
    ];
    expect(
      (await rejection(client.send(new PutRecordsCommand({ StreamName: 's', Records: badKey }))))
        .name,
    ).toBe('InvalidArgumentException');
    expect(fake.records('s')).toHaveLength(1);
  });

  test('answers errors in the awsJson1_1 shape', async () => {
    const { fake } = await startFake({ streams: { s: 1 } });
    const res = await rawPost(
      fake.endpoint,
      'Kinesis_20131202.ListShards',
      '{"StreamName":"missing"}',
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(JSON.parse(res.body)).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Stream missing under account 000000000000 not found.',
    });
    const unknown = await rawPost(fake.endpoint, 'Kinesis_20131202.Frobnicate', '{}');
    expect(unknown.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });
});

describe('FakeKinesis throttling', () => {
  test('fails entries over a shard record rate while others in the request succeed', async () => {
    const { fake, client } = await startFake({
      streams: { s: 2 },
      throttle: { recordsPerSecond: 100, bytesPerSecond: 1024 * 1024 },
    });
    // 300 entries for shard 0 (explicit key 0) and 50 for shard 1.
    const batch = [
      ...entries(300, 'a', { ExplicitHashKey: '0' }),
      ...entries(50, 'b', { ExplicitHashKey: MAX_HASH_KEY.toString() }),
    ];
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
    const first = out.Records!.slice(0, 300);
    const accepted = first.filter((r) => r.SequenceNumber).length;
    // A full bucket holds one second of rate; refill during the request adds almost nothing.
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(accepted).toBeLessThan(150);
    const throttled = first.find((r) => r.ErrorCode)!;
    expect(throttled).toEqual({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage:
        'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    });
    expect(out.Records!.slice(300).every((r) => r.ShardId === 'shardId-000000000001')).toBe(true);
    expect(out.FailedRecordCount).toBe(300 - accepted);
    expect(fake.stats).toMatchObject({
      throttledEntries: 300 - accepted,
      failedEntries: 300 - accepted,
      acceptedEntries: accepted + 50,
    });
  });

  test('fails entries over a shard byte rate, counting data plus partition key', async () => {
    const { client } = await startFake({
      streams: { s: 1 },
      throttle: { recordsPerSecond: 1_000_000, bytesPerSecond: 1000 },
    });
    // 99 bytes of data + 1 byte of key: ten entries fill the bucket exactly.
    const batch = Array.from({ length: 40 }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(99) }));
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
    const accepted = out.Records!.filter((r) => r.SequenceNumber).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(20);
    expect(out.Records!.slice(0, 10).every((r) => r.SequenceNumber)).toBe(true);
  });

  test('throttles PutRecord with a whole-request error', async () => {
    const { client } = await startFake({
      streams: { s: 1 },
      throttle: { recordsPerSecond: 2, bytesPerSecond: 1024 * 1024 },
    });
    const put = () =>
      client.send(
        new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: Buffer.from('x') }),
      );
    await put();
    await put();
    const err = await rejection(put());
    expect(err.name).toBe('ProvisionedThroughputExceededException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('FakeKinesis faults', () => {
  const put = (client: KinesisClient, n = 10, prefix = 'r') =>
    client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(n, prefix) }));

  test('status: the whole request fails and nothing is stored', async () => {
    const { fake, client } = await startFake({ streams: { s: 2 } });
    fake.injectFaults({ kind: 'status', status: 500 });
    fake.injectFaults({ kind: 'status', status: 503 });
    fake.injectFaults({ kind: 'status', status: 500, errorType: 'KMSThrottlingException' });
    const e1 = await rejection(put(client));
    expect([e1.name, e1.$metadata?.httpStatusCode]).toEqual(['InternalFailure', 500]);
    const e2 = await rejection(put(client));
    expect([e2.name, e2.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
    const e3 = await rejection(put(client));
    expect(e3.name).toBe('KMSThrottlingException');
    expect((await put(client)).FailedRecordCount).toBe(0);
    expect(fake.records('s')).toHaveLength(10);
    expect(fake.stats.faultsApplied).toBe(3);
    expect(fake.stats.putRecordsCalls).toBe(4);
  });

  test('reset: the connection drops without an answer', async () => {
    const { fake, client } = await startFake({ streams: { s: 1 } });
    fake.injectFaults({ kind: 'reset' });
    const err = await rejection(put(client));
    expect(err.message).toMatch(/socket hang up|ECONNRESET/);
    expect(fake.records('s')).toHaveLength(0);
    expect((await put(client)).FailedRecordCount).toBe(0);
  });

  test('stall: the records are stored but the answer comes late, after a client timeout', async () => {
    const { fake } = await startFake({ streams: { s: 1 } });
    const impatient = localKinesisClient(fake.endpoint, { maxAttempts: 1, requestTimeoutMs: 100 });
    cleanups.push(() => impatient.destroy());
    fake.injectFaults({ kind: 'stall', ms: 1000 });
    const err = await rejection(put(impatient));
    expect(err.name).toBe('TimeoutError');
    expect(fake.records('s')).toHaveLength(10);
    // A patient client gets the (late) answer.
    const patient = localKinesisClient(fake.endpoint, { maxAttempts: 1 });
    cleanups.push(() => patient.destroy());
    fake.injectFaults({ kind: 'stall', ms: 200 });
    expect((await put(patient, 5, 'late')).Records).toHaveLength(5);
  });

  test('partial: a fraction of the entries fails with the given code', async () => {
    const { fake, client } = await startFake({ streams: { s: 2 } });
    fake.injectFaults({ kind: 'partial', fraction: 0.3 });
    const out = await put(client, 10);
    expect(out.FailedRecordCount).toBe(3);
    const failed = out.Records!.filter((r) => r.ErrorCode);
    expect(failed).toHaveLength(3);
    expect(failed[0]).toEqual({
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Internal service failure.',
    });
    fake.injectFaults({
      kind: 'partial',
      fraction: 1,
      errorCode: 'ProvisionedThroughputExceededException',
    });
    const all = await put(client, 4, 'x');
    expect(
      all.Records!.every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException'),
    ).toBe(true);
    expect(fake.records('s')).toHaveLength(7);
    expect(fake.stats.failedEntries).toBe(7);
  });

  test('malformed: a 200 whose body the SDK cannot parse', async () => {
    const { fake, client } = await startFake({ streams: { s: 1 } });
    fake.injectFaults({ kind: 'malformed' });
    const err = await rejection(put(client));
    expect(err.$metadata?.httpStatusCode).toBe(200);
    expect(fake.records('s')).toHaveLength(0);
  });

  test('count-mismatch: one result fewer than entries sent', async () => {
    const { fake, client } = await startFake({ streams: { s: 1 } });
    fake.injectFaults({ kind: 'count-mismatch' });
    const out = await put(client, 10);
    expect(out.Records).toHaveLength(9);
    expect(fake.records('s')).toHaveLength(10);
  });

  test('wrong-shard: successes name a shard other than where the record is', async () => {
    const { fake, client } = await startFake({ streams: { s: 3 } });
    fake.injectFaults({ kind: 'wrong-shard' });
    const out = await put(client, 20);
    const stored = new Map(fake.records('s').map((r) => [r.sequenceNumber, r.shardId]));
    for (const r of out.Records!) {
      expect(stored.has(r.SequenceNumber!)).toBe(true);
      expect(r.ShardId).not.toBe(stored.get(r.SequenceNumber!));
    }
  });

  test('times, probability and clearFaults decide which requests suffer', async () => {
    const { fake, client } = await startFake({ streams: { s: 1 } });
    fake.injectFaults({ kind: 'status', status: 500 }, { times: 2 });
    await rejection(put(client));
    await rejection(put(client));
    await put(client);
    fake.injectFaults({ kind: 'status', status: 500 }, { probability: 0 });
    for (let i = 0; i < 5; i++) await put(client);
    fake.clearFaults();
    fake.injectFaults({ kind: 'status', status: 503 }, { probability: 1 });
    for (let i = 0; i < 5; i++)
      expect((await rejection(put(client))).name).toBe('ServiceUnavailable');
    fake.clearFaults();
    await put(client);
    expect(fake.stats.faultsApplied).toBe(7);
  });
});

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
      cleanups.push(() => client.destroy());
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

describe('FakeKinesis lifecycle', () => {
  test('store: false counts without keeping records', async () => {
    const { fake, client } = await startFake({ streams: { s: 2 }, store: false });
    await client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(50) }));
    expect(fake.records('s')).toEqual([]);
    expect(fake.stats.acceptedEntries).toBe(50);
    expect(fake.stats.bytesAccepted).toBe(
      entries(50).reduce((n, e) => n + e.PartitionKey!.length + e.Data!.length, 0),
    );
  });

  test('stop() closes open connections, a stalled one included', async () => {
    const fake = await FakeKinesis.start({ streams: { s: 1 } });
    const client = localKinesisClient(fake.endpoint, { maxAttempts: 1 });
    try {
      fake.injectFaults({ kind: 'stall', ms: 60_000 });
      const pending = rejection(
        client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(1) })),
      );
      await new Promise<void>((resolve) => {
        const poll = () => (fake.stats.putRecordsCalls > 0 ? resolve() : setTimeout(poll, 5));
        poll();
      });
      await fake.stop();
      expect((await pending).message).toMatch(/socket hang up|ECONNRESET/);
      const refused = await rejection(client.send(new ListShardsCommand({ StreamName: 's' })));
      expect(refused.message).toMatch(/ECONNREFUSED/);
    } finally {
      client.destroy();
    }
  });
});
