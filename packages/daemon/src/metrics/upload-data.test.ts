import { describe, expect, test } from '@jest/globals';
import { M } from './metric-names.js';
import { MetricsRegistry } from './metrics-registry.js';
import { batchData, buildData, type Datum, UPLOAD_LIMITS } from './upload-data.js';

const NOW = new Date('2025-01-02T03:04:05Z');
const ALL = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;

function dims(d: Datum): string {
  return d.Dimensions.map((x) => `${x.Name}=${x.Value}`).join(',');
}

describe('buildData', () => {
  test("one datum per node in the KPL's order, with the subtree's statistics", () => {
    // The KPL's MetricsManager.RequestGeneration case.
    const r = new MetricsRegistry();
    const a = r.find('Test', { stream: 'MyStream' });
    const b0 = r.find('Test', { stream: 'MyStream2', shard: 'shard-0' });
    const b1 = r.find('Test', { stream: 'MyStream2', shard: 'shard-1' });
    for (let v = 0; v < 100; v++) {
      a.put(v, 1);
      b0.put(v, 1);
      b1.put(v, 1);
    }
    const data = buildData(r, 'detailed', 'shard', ...ALL, NOW);
    expect(data.map((d) => [d.MetricName, dims(d), d.StatisticValues])).toEqual([
      ['Test', '', { SampleCount: 300, Sum: 14850, Minimum: 0, Maximum: 99 }],
      ['Test', 'StreamName=MyStream', { SampleCount: 100, Sum: 4950, Minimum: 0, Maximum: 99 }],
      ['Test', 'StreamName=MyStream2', { SampleCount: 200, Sum: 9900, Minimum: 0, Maximum: 99 }],
      [
        'Test',
        'StreamName=MyStream2,ShardId=shard-0',
        { SampleCount: 100, Sum: 4950, Minimum: 0, Maximum: 99 },
      ],
      [
        'Test',
        'StreamName=MyStream2,ShardId=shard-1',
        { SampleCount: 100, Sum: 4950, Minimum: 0, Maximum: 99 },
      ],
    ]);
    expect(data.every((d) => d.Unit === 'Count' && d.Timestamp === NOW)).toBe(true);
  });

  test('the level decides which names go, the granularity how deep', () => {
    const r = new MetricsRegistry();
    for (const name of [M.UserRecordsPut, M.UserRecordsDataPut, M.UserRecordExpired, 'Custom']) {
      r.find(name, { stream: 's', shard: 'shardId-000000000000' }).put(1, 1);
    }
    const names = (level: 'none' | 'summary' | 'detailed') =>
      [...new Set(buildData(r, level, 'shard', ...ALL, NOW).map((d) => d.MetricName))].sort();
    expect(names('none')).toEqual([]);
    expect(names('summary')).toEqual([M.UserRecordExpired, M.UserRecordsPut].sort());
    // A name outside the catalogue is a detailed metric without unit.
    expect(names('detailed')).toEqual(
      ['Custom', M.UserRecordExpired, M.UserRecordsDataPut, M.UserRecordsPut].sort(),
    );
    expect(
      buildData(r, 'detailed', 'shard', ...ALL, NOW).find((d) => d.MetricName === 'Custom')!.Unit,
    ).toBe('None');
    const depth = (g: 'global' | 'stream' | 'shard') =>
      buildData(r, 'summary', g, ...ALL, NOW)
        .filter((d) => d.MetricName === M.UserRecordsPut)
        .map(dims);
    expect(depth('global')).toEqual(['']);
    expect(depth('stream')).toEqual(['', 'StreamName=s']);
    expect(depth('shard')).toEqual([
      '',
      'StreamName=s',
      'StreamName=s,ShardId=shardId-000000000000',
    ]);
  });

  test('only nodes with samples in the window go, with the statistics of that window', () => {
    const r = new MetricsRegistry();
    r.find('Test', { stream: 'old' }).put(5, 10);
    r.find('Test', { stream: 'new' }).put(7, 12);
    r.find('Test', { stream: 'new' }).put(9, 13);
    r.find('Test', { stream: 'empty' });
    const data = buildData(r, 'detailed', 'stream', 11, 12, NOW);
    expect(data.map((d) => [dims(d), d.StatisticValues.Sum])).toEqual([
      ['', 7],
      ['StreamName=new', 7],
    ]);
  });

  test('blank dimension values are left out', () => {
    const r = new MetricsRegistry({ global: [['Host', ' \t']], stream: [], shard: [] });
    r.find('Test', { stream: 's' }).put(1, 1);
    expect(buildData(r, 'detailed', 'stream', ...ALL, NOW).map(dims)).toEqual([
      '',
      '',
      'StreamName=s',
    ]);
  });
});

describe('batchData', () => {
  function datum(i: number, pad = 0): Datum {
    return {
      MetricName: 'UserRecordsPut',
      Dimensions: [{ Name: 'StreamName', Value: `s${i}${'x'.repeat(pad)}` }],
      StatisticValues: { SampleCount: 3, Sum: 1.5, Minimum: 0.25, Maximum: 1 },
      Unit: 'Count',
      Timestamp: NOW,
    };
  }

  test('cuts at the data count limit, keeping the order', () => {
    const data = Array.from({ length: 2500 }, (_, i) => datum(i));
    const batches = batchData('ns', data);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(data);
  });

  test('cuts at the byte limit as the SDK serializes the request', () => {
    const limits = { maxData: 1000, maxBytes: 20_000 };
    const data = Array.from({ length: 50 }, (_, i) => datum(i, 900));
    const batches = batchData('ns', data, limits);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.flat()).toEqual(data);
    for (const b of batches) {
      // The SDK's awsJson1_0 body: timestamps as epoch seconds with milliseconds.
      const body = JSON.stringify({
        Namespace: 'ns',
        MetricData: b.map((d) => ({ ...d, Timestamp: d.Timestamp.getTime() / 1000 })),
      });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limits.maxBytes);
      // Full: one more datum would not have fitted.
      if (b !== batches.at(-1))
        expect(Buffer.byteLength(body) + 1000).toBeGreaterThan(limits.maxBytes);
    }
  });

  test('the default limits are within those of CloudWatch', () => {
    expect(UPLOAD_LIMITS.maxData).toBeLessThanOrEqual(1000);
    expect(UPLOAD_LIMITS.maxBytes).toBeLessThanOrEqual(1_000_000);
    expect(batchData('ns', [])).toEqual([]);
  });
});
