// Metrics end to end: the real wrapper and daemon, a fake Kinesis that fails some entries, and
// a fake CloudWatch receiving the SDK's real PutMetricData requests, signature checked. What
// the metrics say is compared with what Kinesis took and what the promises said.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  type KinesisProducer,
  type KinesisProducerOptions,
  type Metric,
  type MetricsSnapshot,
  ProducerDestroyedError,
  ValidationError,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeCloudWatch, type ReceivedDatum } from '../support/fake-cloudwatch.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { payload, producerFor } from '../support/producer.js';
import { waitFor } from '../support/wait.js';

const METRICS_CREDENTIALS = { accessKeyId: 'AKIDMETRICS', secretAccessKey: 'metrics-secret' };
const PTEE = 'ProvisionedThroughputExceededException';
const SUMMARY = [
  'UserRecordsPut',
  'UserRecordExpired',
  'KinesisRecordsPut',
  'ErrorsByCode',
  'AllErrors',
  'BufferingTime',
];

let kinesis: FakeKinesis;
let cloudwatch: FakeCloudWatch;
const producers: KinesisProducer[] = [];

beforeAll(async () => {
  kinesis = await FakeKinesis.start({
    streams: { m1: 2, m2: 2, m3: 2, m4: 2, m5: 1, m6: 1 },
    verifySignatures: [TEST_CREDENTIALS],
  });
  // Only the metrics keys sign acceptably here, unless a test starts its own.
  cloudwatch = await FakeCloudWatch.start({ credentials: [METRICS_CREDENTIALS] });
});
afterAll(async () => {
  await cloudwatch?.stop();
  await kinesis?.stop();
});
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.destroy()));
});

function start(options: KinesisProducerOptions): KinesisProducer {
  const p = producerFor(kinesis.endpoint, {
    cloudwatchEndpoint: cloudwatch.endpoint,
    metricsCredentials: METRICS_CREDENTIALS,
    metricsUploadDelay: 200,
    recordMaxBufferedTime: 20,
    ...options,
  });
  producers.push(p);
  return p;
}

interface Outcome {
  ok: boolean;
  shardId?: string;
  size: number;
}

async function produce(p: KinesisProducer, stream: string, n: number): Promise<Outcome[]> {
  const done = Array.from({ length: n }, (_, i) => {
    const data = payload(i, 10 + (i % 50));
    return p.addUserRecord(stream, `key-${i}`, data).then(
      (r) => ({ ok: true, shardId: r.shardId, size: data.length }),
      () => ({ ok: false, size: data.length }),
    );
  });
  await p.flushSync();
  return Promise.all(done);
}

function node(ms: Metric[], name: string, dims: Record<string, string> = {}): Metric {
  const found = ms.find(
    (m) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dims),
  );
  if (!found) throw new Error(`no ${name} ${JSON.stringify(dims)}`);
  return found;
}

/** Sums a series over every upload: each upload covers seconds the others did not. */
function uploaded(data: ReceivedDatum[], name: string, dims: [string, string][] = []) {
  const series = data.filter(
    (d) => d.name === name && JSON.stringify(d.dimensions) === JSON.stringify(dims),
  );
  return {
    sum: series.reduce((s, d) => s + d.sum, 0),
    sampleCount: series.reduce((s, d) => s + d.sampleCount, 0),
    units: [...new Set(series.map((d) => d.unit))],
  };
}

describe('getMetrics', () => {
  test('the counts agree with the results and with what Kinesis took', async () => {
    const p = start({ metricsLevel: 'none', failIfThrottled: true });
    // Half the entries of the first request (at least one) are throttled: their records fail
    // for good. Two shards make at least two entries, so some records succeed.
    kinesis.injectFaults({ kind: 'partial', fraction: 0.5, errorCode: PTEE }, { times: 1 });
    const before = { ...kinesis.stats };
    const out = await produce(p, 'm1', 300);
    const ok = out.filter((o) => o.ok);
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThan(300);
    const entries = kinesis.stats.entries - before.entries;
    const accepted = kinesis.stats.acceptedEntries - before.acceptedEntries;
    const failed = kinesis.stats.failedEntries - before.failedEntries;

    const ms = await p.getMetrics();
    expect(node(ms, 'UserRecordsReceived')).toMatchObject({ sum: 300, sampleCount: 300 });
    expect(node(ms, 'UserRecordsPut')).toMatchObject({ sum: ok.length, sampleCount: 300 });
    expect(node(ms, 'UserRecordsPut', { StreamName: 'm1' }).sum).toBe(ok.length);
    for (const shardId of new Set(ok.map((o) => o.shardId!))) {
      const landed = ok.filter((o) => o.shardId === shardId).length;
      expect(node(ms, 'UserRecordsPut', { StreamName: 'm1', ShardId: shardId }).sum).toBe(landed);
    }
    expect(node(ms, 'UserRecordsDataPut').sum).toBe(ok.reduce((s, o) => s + o.size, 0));
    expect(node(ms, 'KinesisRecordsPut')).toMatchObject({ sum: accepted, sampleCount: entries });
    const stored = kinesis.records('m1').reduce((s, r) => s + r.data.length, 0);
    expect(node(ms, 'KinesisRecordsDataPut').sum).toBe(stored);
    expect(node(ms, 'ErrorsByCode', { ErrorCode: PTEE }).sum).toBe(failed);
    expect(node(ms, 'AllErrors')).toMatchObject({ sum: failed, sampleCount: entries });
    expect(node(ms, 'UserRecordsPerKinesisRecord').sum).toBe(300);
    expect(node(ms, 'RetriesPerRecord').sum).toBe(0);
    expect(ms.filter((m) => m.name === 'UserRecordExpired').every((m) => m.sum === 0)).toBe(true);
    // Every metric: one per name at least, totals since the node was created.
    const names = new Set(ms.map((m) => m.name));
    for (const n of ['BufferingTime', 'RequestTime', 'KinesisRecordsPerPutRecordsRequest']) {
      expect(names).toContain(n);
    }
    const put = await p.getMetrics('UserRecordsPut');
    expect(new Set(put.map((m) => m.name))).toEqual(new Set(['UserRecordsPut']));
    expect(put.every((m) => m.duration >= 0 && m.mean === m.sum / m.sampleCount)).toBe(true);
  });

  test('a window is the last N seconds, however many uploads happened meanwhile', async () => {
    const p = start({ metricsLevel: 'summary', metricsNamespace: 'E2E/Window' });
    const out = await produce(p, 'm5', 50);
    expect(out.every((o) => o.ok)).toBe(true);
    // The KPL would have lost these to its upload ticks; here uploads leave the buckets alone.
    await waitFor(
      'an upload',
      () => uploaded(cloudwatch.data('E2E/Window'), 'UserRecordsPut').sum === 50,
    );
    const w60 = await p.getMetrics('UserRecordsPut', 60);
    expect(node(w60, 'UserRecordsPut')).toMatchObject({ sum: 50, sampleCount: 50, duration: 60 });
    // One second later the 1-second window is empty, and reads as zeros.
    const w1 = await waitFor('the last second to be empty', async () => {
      const m = node(await p.getMetrics(1), 'UserRecordsPut');
      return m.sampleCount === 0 ? m : undefined;
    });
    expect(w1).toMatchObject({ sum: 0, mean: 0, min: 0, max: 0, duration: 1 });
    expect(node(await p.getMetrics('UserRecordsPut', 60), 'UserRecordsPut').sum).toBe(50);
  });

  test('bad arguments reject with a ValidationError', async () => {
    const p = start({ metricsLevel: 'none' });
    await expect(p.getMetrics('UserRecordsPut', 61)).rejects.toThrow(ValidationError);
    await expect(p.getMetrics(1.5)).rejects.toThrow(ValidationError);
    await expect(p.getMetrics({} as unknown as string, 1)).rejects.toThrow(ValidationError);
    expect(() => p.metricsSnapshots({ intervalMs: 10 })).toThrow(ValidationError);
    // Zero or less means totals, as in the KPL.
    expect(await p.getMetrics('UserRecordsPut', 0)).toEqual([]);
  });

  test('a request waiting when the producer is destroyed rejects, and observers end', async () => {
    const p = start({ metricsLevel: 'none' });
    const snapshots = p.metricsSnapshots({ intervalMs: 100 });
    const next = snapshots.next();
    const pending = p.getMetrics();
    await p.destroy();
    await expect(pending).rejects.toThrow(ProducerDestroyedError);
    await expect(next).resolves.toEqual({ done: true, value: undefined });
    await expect(p.getMetrics()).rejects.toThrow(ProducerDestroyedError);
  });
});

describe('observers', () => {
  test('snapshots come on the interval, from the iterator and from a listener', async () => {
    const p = start({ metricsLevel: 'none' });
    await produce(p, 'm6', 20);
    const seen: MetricsSnapshot[] = [];
    const stop = p.onMetrics((s) => seen.push(s), { intervalMs: 100, name: 'UserRecordsPut' });
    await waitFor('two snapshots', () => seen.length >= 2);
    stop();
    const first = seen;
    expect(first[0]!.windowSeconds).toBeUndefined();
    expect(node(first[0]!.metrics, 'UserRecordsPut').sum).toBe(20);
    expect(first[0]!.metrics.every((m) => m.name === 'UserRecordsPut')).toBe(true);

    let got: MetricsSnapshot | undefined;
    for await (const s of p.metricsSnapshots({ intervalMs: 100, windowSeconds: 60 })) {
      got = s;
      break;
    }
    expect(got!.windowSeconds).toBe(60);
    expect(node(got!.metrics, 'UserRecordsReceived', { StreamName: 'm6' }).sum).toBe(20);
    // After close the iterator finishes by itself.
    const later = p.metricsSnapshots({ intervalMs: 100 });
    await p.close();
    expect(await later.next()).toEqual({ done: true, value: undefined });
  });
});

describe('CloudWatch upload', () => {
  test('uploads what was produced, signed with the metrics credentials', async () => {
    const p = start({ metricsNamespace: 'E2E/Detailed', failIfThrottled: true });
    kinesis.injectFaults({ kind: 'partial', fraction: 0.5, errorCode: PTEE }, { times: 1 });
    const before = { ...kinesis.stats };
    const out = await produce(p, 'm2', 200);
    const ok = out.filter((o) => o.ok).length;
    const accepted = kinesis.stats.acceptedEntries - before.acceptedEntries;
    const entries = kinesis.stats.entries - before.entries;
    const data = () => cloudwatch.data('E2E/Detailed');
    await waitFor('every record in the uploads', () => {
      const u = uploaded(data(), 'UserRecordsPut');
      return u.sampleCount === 200 && uploaded(data(), 'KinesisRecordsPut').sampleCount === entries;
    });
    expect(uploaded(data(), 'UserRecordsPut').sum).toBe(ok);
    expect(uploaded(data(), 'UserRecordsPut', [['StreamName', 'm2']]).sum).toBe(ok);
    expect(uploaded(data(), 'KinesisRecordsPut').sum).toBe(accepted);
    expect(uploaded(data(), 'UserRecordsReceived').sum).toBe(200);
    expect(uploaded(data(), 'UserRecordsPut').units).toEqual(['Count']);
    expect(uploaded(data(), 'UserRecordsDataPut').units).toEqual(['Bytes']);
    expect(uploaded(data(), 'BufferingTime').units).toEqual(['Milliseconds']);
    // Shard granularity (the default): the shard series are there, and add up.
    const shards = data().filter(
      (d) => d.name === 'UserRecordsPut' && d.dimensions.some(([k]) => k === 'ShardId'),
    );
    // A success counts at the shard it landed on; a failure at its predicted shard, or only
    // at the stream when it was sent before the shard map was known.
    expect(shards.reduce((s, d) => s + d.sum, 0)).toBe(ok);
    expect(shards.reduce((s, d) => s + d.sampleCount, 0)).toBeLessThanOrEqual(200);
    const mine = cloudwatch.requests.filter((r) => r.namespace === 'E2E/Detailed');
    expect(mine.every((r) => r.accessKeyId === METRICS_CREDENTIALS.accessKeyId)).toBe(true);
    expect(mine.every((r) => r.data.length <= 1000)).toBe(true);
    expect(cloudwatch.refused).toEqual([]);
  });

  test('levels and granularity decide what is uploaded', async () => {
    const configs = {
      'E2E/SummaryGlobal': { metricsLevel: 'summary', metricsGranularity: 'global' },
      'E2E/DetailedStream': { metricsLevel: 'detailed', metricsGranularity: 'stream' },
      'E2E/Extra': {
        metricsLevel: 'summary',
        metricsGranularity: 'shard',
        additionalMetricsDimensions: [
          { key: 'App', value: 'a1', granularity: 'global' },
          { key: 'Env', value: 'test', granularity: 'stream' },
          { key: 'Host', value: 'h1', granularity: 'shard' },
        ],
      },
      'E2E/None': { metricsLevel: 'none', metricsGranularity: 'shard' },
    } as const;
    const run = Object.entries(configs).map(([ns, o]) => ({
      ns,
      p: start({ ...o, metricsNamespace: ns } as KinesisProducerOptions),
    }));
    const waitAll = async (total: number) => {
      await Promise.all(run.map(({ p }) => produce(p, 'm3', 30)));
      for (const { ns } of run.filter((r) => r.ns !== 'E2E/None')) {
        await waitFor(`${ns} uploads`, () => {
          return uploaded(cloudwatch.data(ns), 'UserRecordsPut').sampleCount === total;
        });
      }
    };
    // Two rounds, so the level-none daemon has had as many upload ticks as the others.
    await waitAll(30);
    await waitAll(60);
    expect(cloudwatch.data('E2E/None')).toEqual([]);

    const summary = cloudwatch.data('E2E/SummaryGlobal');
    for (const d of summary) expect(SUMMARY).toContain(d.name);
    expect(summary.every((d) => d.dimensions.length === 0)).toBe(true);
    expect(new Set(summary.map((d) => d.name))).toEqual(
      new Set(['UserRecordsPut', 'KinesisRecordsPut', 'AllErrors', 'BufferingTime']),
    );

    const detailed = cloudwatch.data('E2E/DetailedStream');
    const names = new Set(detailed.map((d) => d.name));
    for (const n of [
      'UserRecordsReceived',
      'UserRecordsDataPut',
      'RequestTime',
      'KinesisRecordsDataPut',
    ]) {
      expect(names).toContain(n);
    }
    expect(detailed.some((d) => d.dimensions.some(([k]) => k === 'ShardId'))).toBe(false);
    expect(uploaded(detailed, 'UserRecordsPut', [['StreamName', 'm3']]).sampleCount).toBe(60);

    const extra = cloudwatch.data('E2E/Extra').filter((d) => d.name === 'UserRecordsPut');
    const paths = new Set(extra.map((d) => d.dimensions.map(([k]) => k).join('/')));
    expect(paths).toEqual(
      new Set([
        '',
        'App',
        'App/StreamName',
        'App/StreamName/Env',
        'App/StreamName/Env/ShardId',
        'App/StreamName/Env/ShardId/Host',
      ]),
    );
    expect(uploaded(extra, 'UserRecordsPut', [['App', 'a1']]).sampleCount).toBe(60);
  });

  test('a failing CloudWatch is retried with backoff; records are not held up', async () => {
    const p = start({ metricsNamespace: 'E2E/Retry', metricsLevel: 'summary' });
    cloudwatch.failNext(2, 500, 'InternalServiceError');
    const refusedBefore = cloudwatch.refused.length;
    const out = await produce(p, 'm4', 40);
    expect(out.every((o) => o.ok)).toBe(true);
    await waitFor(
      'the upload after the failures',
      () => uploaded(cloudwatch.data('E2E/Retry'), 'UserRecordsPut').sampleCount === 40,
      { timeoutMs: 30_000 },
    );
    expect(cloudwatch.refused.length - refusedBefore).toBe(2);
    expect(uploaded(cloudwatch.data('E2E/Retry'), 'UserRecordsPut').sum).toBe(40);
    // The daemon is alive and well.
    expect(node(await p.getMetrics('UserRecordsPut'), 'UserRecordsPut').sum).toBe(40);
  });

  test('without metrics credentials the Kinesis credentials sign the uploads', async () => {
    const own = await FakeCloudWatch.start({ credentials: [TEST_CREDENTIALS] });
    try {
      const p = producerFor(kinesis.endpoint, {
        cloudwatchEndpoint: own.endpoint,
        metricsUploadDelay: 200,
        metricsLevel: 'summary',
        recordMaxBufferedTime: 20,
      });
      producers.push(p);
      await produce(p, 'm6', 5);
      await waitFor('an upload', () => uploaded(own.data(), 'UserRecordsPut').sampleCount === 5);
      expect(own.requests.every((r) => r.accessKeyId === TEST_CREDENTIALS.accessKeyId)).toBe(true);
      expect(own.refused).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});
