import { describe, expect, test } from '@jest/globals';
import { KinesisRecord } from '../kinesis-record.js';
import { PutRecordsBatch } from '../put-records-batch.js';
import type { PutRecordsOutcome } from '../put-records-client.js';
import { UserRecord } from '../user-record.js';
import type { Stats } from './accumulator.js';
import { cumulative, MetricsRegistry } from './metrics-registry.js';
import { StreamMetrics } from './stream-metrics.js';

const SHARD = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

function userRecord(id: number, size: number, predicted: number, arrival = 1000): UserRecord {
  const ur = new UserRecord(
    id,
    `k${id}`,
    undefined,
    Buffer.alloc(size),
    '1'.padStart(32, '0'),
    arrival,
    100,
    30_000,
  );
  ur.predictedShard = predicted;
  return ur;
}

function kinesisRecord(...urs: UserRecord[]): KinesisRecord {
  const kr = new KinesisRecord();
  for (const ur of urs) kr.add(ur);
  return kr;
}

/** Stats of every node, keyed `Name|dim=value,...`. */
function read(r: MetricsRegistry): Map<string, Stats> {
  const out = new Map<string, Stats>();
  r.collect(undefined, cumulative, (node, s) => {
    out.set(`${node.name}|${node.dimensions.map(([k, v]) => `${k}=${v}`).join(',')}`, s);
  });
  return out;
}

function get(m: Map<string, Stats>, key: string): Stats {
  const s = m.get(key);
  if (!s) throw new Error(`no node ${key}; have ${[...m.keys()].join(' ')}`);
  return s;
}

describe('StreamMetrics', () => {
  test('a completed PutRecords call records the request metrics and one set per entry', () => {
    const r = new MetricsRegistry();
    const sm = new StreamMetrics(r, 's');
    const agg = kinesisRecord(userRecord(1, 10, 1), userRecord(2, 20, 1), userRecord(3, 30, 1));
    const single = kinesisRecord(userRecord(4, 40, 2));
    const failed = kinesisRecord(userRecord(5, 50, 2));
    const batch = new PutRecordsBatch();
    for (const kr of [agg, single, failed]) batch.add(kr);
    const outcome: PutRecordsOutcome = {
      ok: true,
      records: [
        { sequenceNumber: '1', shardId: SHARD(1) },
        { sequenceNumber: '2', shardId: SHARD(2) },
        { errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'slow down' },
      ],
    };
    sm.requestDone(batch, outcome, 5000, 5042);
    const m = read(r);
    expect(get(m, 'RequestTime|StreamName=s')).toMatchObject({ count: 1, sum: 42 });
    expect(get(m, 'KinesisRecordsPerPutRecordsRequest|StreamName=s').sum).toBe(3);
    expect(get(m, 'UserRecordsPerPutRecordsRequest|StreamName=s').sum).toBe(5);
    expect(get(m, `UserRecordsPerKinesisRecord|StreamName=s,ShardId=${SHARD(1)}`)).toMatchObject({
      count: 1,
      sum: 3,
    });
    expect(get(m, 'UserRecordsPerKinesisRecord|').sum).toBe(5);
    expect(get(m, 'KinesisRecordsPut|')).toMatchObject({ count: 3, sum: 2 });
    expect(get(m, `KinesisRecordsPut|StreamName=s,ShardId=${SHARD(2)}`)).toMatchObject({
      count: 2,
      sum: 1,
    });
    expect(get(m, 'KinesisRecordsDataPut|').sum).toBe(agg.data().length + 40);
    expect(get(m, 'AllErrors|StreamName=s')).toMatchObject({ count: 3, sum: 1 });
    expect(
      get(
        m,
        `ErrorsByCode|ErrorCode=ProvisionedThroughputExceededException,StreamName=s,ShardId=${SHARD(2)}`,
      ).sum,
    ).toBe(1);
  });

  test('a failed call counts one error at stream level and no entry metrics', () => {
    const r = new MetricsRegistry();
    const sm = new StreamMetrics(r, 's');
    const batch = new PutRecordsBatch();
    batch.add(kinesisRecord(userRecord(1, 10, 0)));
    batch.add(kinesisRecord(userRecord(2, 10, 1)));
    sm.requestDone(
      batch,
      { ok: false, code: 'ServiceUnavailable', message: 'x', status: 503 },
      0,
      10,
    );
    const m = read(r);
    expect(get(m, 'ErrorsByCode|ErrorCode=ServiceUnavailable,StreamName=s').sum).toBe(1);
    expect([...m.keys()].filter((k) => k.startsWith('ErrorsByCode')).length).toBe(3);
    expect(get(m, 'AllErrors|')).toMatchObject({ count: 1, sum: 1 });
    expect([...m.keys()].some((k) => k.startsWith('AllErrors|StreamName=s,ShardId'))).toBe(false);
    expect(m.has('KinesisRecordsPut|')).toBe(false);
    expect(get(m, 'UserRecordsPerKinesisRecord|').count).toBe(2);
  });

  test('a record that succeeds counts at the shard it landed on, with each attempt', () => {
    const r = new MetricsRegistry();
    const sm = new StreamMetrics(r, 's');
    const ur = userRecord(1, 123, 3, 1000);
    ur.addAttempt({ start: 1020, end: 1050, success: false, errorCode: 'InternalFailure' });
    // Where it landed comes with its successful attempt, as the retrier records it.
    ur.addAttempt({ start: 1110, end: 1140, success: true, shardId: SHARD(4) });
    sm.finished(ur);
    const m = read(r);
    const at = `StreamName=s,ShardId=${SHARD(4)}`;
    expect(get(m, `UserRecordsPut|${at}`)).toMatchObject({ count: 1, sum: 1 });
    expect(get(m, `UserRecordsDataPut|${at}`).sum).toBe(123);
    // One sample per attempt: 20 ms before the first, 60 ms between the two.
    expect(get(m, `BufferingTime|${at}`)).toMatchObject({ count: 2, sum: 80, min: 20, max: 60 });
    expect(get(m, `RetriesPerRecord|${at}`).sum).toBe(1);
    expect([...m.keys()].some((k) => k.includes(SHARD(3)))).toBe(false);
    expect(m.has('UserRecordExpired|')).toBe(false);
  });

  test('a record that expires counts as not put and expired, at its predicted shard', () => {
    const r = new MetricsRegistry();
    const sm = new StreamMetrics(r, 's');
    const ur = userRecord(1, 10, 7);
    ur.addAttempt({ start: 1010, end: 1020, success: false, errorCode: 'InternalFailure' });
    ur.addAttempt({ start: 1030, end: 1030, success: false, errorCode: 'ExpiredAfterRetries' });
    sm.finished(ur);
    // Without a prediction, the stream node holds the samples.
    const unrouted = userRecord(2, 10, -1);
    unrouted.addAttempt({
      start: 1500,
      end: 1500,
      success: false,
      errorCode: 'ExpiredBeforeSend',
    });
    sm.finished(unrouted);
    // A failure other than expiry is not an expiry.
    const refused = userRecord(3, 10, 7);
    refused.addAttempt({ start: 1010, end: 1020, success: false, errorCode: 'AccessDenied' });
    sm.finished(refused);
    const m = read(r);
    const at = `StreamName=s,ShardId=${SHARD(7)}`;
    expect(get(m, `UserRecordsPut|${at}`)).toMatchObject({ count: 2, sum: 0 });
    expect(get(m, `UserRecordExpired|${at}`)).toMatchObject({ count: 1, sum: 1 });
    expect(get(m, 'UserRecordExpired|StreamName=s')).toMatchObject({ count: 2, sum: 2 });
    expect(get(m, 'UserRecordsPut|')).toMatchObject({ count: 3, sum: 0 });
    expect(get(m, `RetriesPerRecord|${at}`).sum).toBe(1);
  });

  test('received and pending are stream metrics', () => {
    const r = new MetricsRegistry();
    const sm = new StreamMetrics(r, 's');
    sm.received(userRecord(1, 1, 0));
    sm.received(userRecord(2, 1, 0));
    sm.pending = () => 42;
    sm.samplePending(2000);
    const m = read(r);
    expect(get(m, 'UserRecordsReceived|StreamName=s').sum).toBe(2);
    expect(get(m, 'UserRecordsPending|StreamName=s')).toMatchObject({ count: 1, max: 42 });
  });
});
