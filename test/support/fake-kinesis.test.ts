import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, test } from '@jest/globals';
import { FakeKinesis } from './fake-kinesis.js';
import {
  entries,
  rawPost,
  rejection,
  startFake,
  tearDownAfterEach,
} from './fake-kinesis-harness.js';
import { MAX_HASH_KEY, partitionKeyHash } from './hash-key.js';
import { localKinesisClient } from './kinesis-client.js';
import { deaggregateAll, listAllShards, readAllRecords } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';

tearDownAfterEach();

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

  test('names a stream by StreamARN as the service does: its own account and region only', async () => {
    const { fake, client } = await startFake({ streams: { s: 2 } });
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
    const listed = await client.send(new ListShardsCommand({ StreamARN: arn }));
    expect(listed.Shards).toHaveLength(2);
    const batch = entries(20);
    const out = await client.send(new PutRecordsCommand({ StreamARN: arn, Records: batch }));
    expect(out.FailedRecordCount).toBe(0);
    const both = await client.send(
      new PutRecordsCommand({ StreamName: 's', StreamARN: arn, Records: entries(1, 'b') }),
    );
    expect(both.FailedRecordCount).toBe(0);
    expect(fake.stats.byStreamArn).toEqual({ ListShards: 1, PutRecords: 2 });
    const stored = fake.records('s').filter((r) => r.partitionKey.startsWith('r-'));
    expect(stored.map((r) => r.partitionKey)).toEqual(batch.map((e) => e.PartitionKey));

    for (const other of [
      'arn:aws:kinesis:us-east-1:111111111111:stream/s',
      'arn:aws:kinesis:eu-west-1:000000000000:stream/s',
      'arn:aws:kinesis:us-east-1:000000000000:stream/t',
    ]) {
      const err = await rejection(client.send(new ListShardsCommand({ StreamARN: other })));
      expect(err.name).toBe('ResourceNotFoundException');
    }
    const mismatch = await rejection(
      client.send(new PutRecordsCommand({ StreamName: 't', StreamARN: arn, Records: entries(1) })),
    );
    expect(mismatch.name).toBe('InvalidArgumentException');
    const malformed = await rejection(
      client.send(new ListShardsCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:0:stream/s' })),
    );
    expect(malformed.name).toBe('ValidationException');
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
