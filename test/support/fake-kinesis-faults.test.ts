import { type KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, test } from '@jest/globals';
import {
  entries,
  onTearDown,
  rejection,
  startFake,
  tearDownAfterEach,
} from './fake-kinesis-harness.js';
import { MAX_HASH_KEY } from './hash-key.js';
import { localKinesisClient } from './kinesis-client.js';

tearDownAfterEach();

describe('FakeKinesis throttling', () => {
  // Rates on a clock that stands still: what a bucket holds is what it started with.
  const stopped = () => 0;

  test('fails entries over a shard record rate while others in the request succeed', async () => {
    const { fake, client } = await startFake({
      streams: { s: 2 },
      throttle: { recordsPerSecond: 100, bytesPerSecond: 1024 * 1024, clock: stopped },
    });
    // 300 entries for shard 0 (explicit key 0) and 50 for shard 1.
    const batch = [
      ...entries(300, 'a', { ExplicitHashKey: '0' }),
      ...entries(50, 'b', { ExplicitHashKey: MAX_HASH_KEY.toString() }),
    ];
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
    const first = out.Records!.slice(0, 300);
    const accepted = first.filter((r) => r.SequenceNumber).length;
    // A full bucket holds one second of rate.
    expect(accepted).toBe(100);
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
      throttle: { recordsPerSecond: 1_000_000, bytesPerSecond: 1000, clock: stopped },
    });
    // 99 bytes of data + 1 byte of key: ten entries fill the bucket exactly.
    const batch = Array.from({ length: 40 }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(99) }));
    const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
    const accepted = out.Records!.filter((r) => r.SequenceNumber).length;
    expect(accepted).toBe(10);
    expect(out.Records!.slice(0, 10).every((r) => r.SequenceNumber)).toBe(true);
  });

  test('throttles PutRecord with a whole-request error', async () => {
    const { client } = await startFake({
      streams: { s: 1 },
      throttle: { recordsPerSecond: 2, bytesPerSecond: 1024 * 1024, clock: stopped },
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

  test('the bucket refills at its rate, up to one second of it', async () => {
    let now = 0;
    const { client } = await startFake({
      streams: { s: 1 },
      throttle: { recordsPerSecond: 100, bytesPerSecond: 1024 * 1024, clock: () => now },
    });
    const acceptedOf = async (n: number) => {
      const batch = entries(n, 'r');
      const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
      return out.Records!.filter((r) => r.SequenceNumber).length;
    };
    expect(await acceptedOf(150)).toBe(100);
    now += 250;
    expect(await acceptedOf(150)).toBe(25);
    now += 60_000;
    expect(await acceptedOf(150)).toBe(100);
  });

  test('firstEntries refuses exactly the first entries it sees, retries included', async () => {
    const { fake, client } = await startFake({ streams: { s: 2 }, throttle: { firstEntries: 7 } });
    const send = (n: number) =>
      client.send(new PutRecordsCommand({ StreamName: 's', Records: entries(n, 'r') }));
    const first = await send(5);
    expect(first.FailedRecordCount).toBe(5);
    expect(
      first.Records!.every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException'),
    ).toBe(true);
    const second = await send(5);
    expect(second.Records!.map((r) => r.ErrorCode !== undefined)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect((await send(50)).FailedRecordCount).toBe(0);
    expect(fake.stats.throttledEntries).toBe(7);
  });

  test("everyNthPerShard refuses every n-th entry of each shard, whatever the requests' size", async () => {
    const { fake, client } = await startFake({
      streams: { s: 2 },
      throttle: { everyNthPerShard: 3 },
    });
    // 6 entries for shard 0, in requests of 4 and 2; 3 for shard 1, in one request.
    const zero = entries(6, 'a', { ExplicitHashKey: '0' });
    const one = entries(3, 'b', { ExplicitHashKey: MAX_HASH_KEY.toString() });
    const failedIn = async (batch: typeof zero) => {
      const out = await client.send(new PutRecordsCommand({ StreamName: 's', Records: batch }));
      return out.Records!.map((r) => r.ErrorCode !== undefined);
    };
    expect(await failedIn([...zero.slice(0, 4), ...one])).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(await failedIn(zero.slice(4))).toEqual([false, true]);
    expect(fake.stats.throttledEntries).toBe(3);
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
    onTearDown(() => impatient.destroy());
    fake.injectFaults({ kind: 'stall', ms: 1000 });
    const err = await rejection(put(impatient));
    expect(err.name).toBe('TimeoutError');
    expect(fake.records('s')).toHaveLength(10);
    // A patient client gets the (late) answer.
    const patient = localKinesisClient(fake.endpoint, { maxAttempts: 1 });
    onTearDown(() => patient.destroy());
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
