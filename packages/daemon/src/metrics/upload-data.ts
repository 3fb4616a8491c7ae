// What one upload sends (docs/metrics.md, "CloudWatch"): the nodes that pass the level and granularity
// filter and have samples in the window, one datum each, in the KPL's order, cut into requests.

import {
  type Granularity,
  granularityAllows,
  levelAllows,
  type MetricsLevel,
  type MetricUnit,
  unitOf,
} from './metric-names.js';
import { type MetricsRegistry, windowed } from './metrics-registry.js';

/** The SDK's MetricDatum, as much of it as is used. */
export interface Datum {
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  StatisticValues: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Unit: MetricUnit;
  Timestamp: Date;
}

/**
 * CloudWatch's limits per PutMetricData are now 1000 data and 1 MB (they were 20 data and
 * 40 KB when the KPL was written, hence its 20 and 38,912). Requests are billed and throttled
 * per call, so filling them matters at shard granularity: 1000 shards make some 16,000 data a
 * minute, 800 calls under the old limits and 16 under these. The byte limit keeps a margin
 * for the SDK's own serialization.
 */
export const UPLOAD_LIMITS = { maxData: 1000, maxBytes: 1_000_000 - 16 * 1024 };

const BLANK = /^[ \t]*$/;

/**
 * The data for the buckets with `from < second <= to`; `from` may be -Infinity. Ordered by
 * number of dimensions, then by the dimensions' keys and values.
 */
export function buildData(
  registry: MetricsRegistry,
  level: MetricsLevel,
  granularity: Granularity,
  from: number,
  to: number,
  timestamp: Date,
): Datum[] {
  if (level === 'none') return [];
  const picked: { dims: (readonly [string, string])[]; datum: Datum }[] = [];
  registry.collect(undefined, windowed(from, to), (node, s) => {
    if (s.count === 0) return;
    if (!levelAllows(level, node.name) || !granularityAllows(granularity, node.granularity)) return;
    picked.push({
      dims: [['MetricName', node.name], ...node.dimensions],
      datum: {
        MetricName: node.name,
        Dimensions: node.dimensions
          .filter(([, v]) => !BLANK.test(v))
          .map(([k, v]) => ({ Name: k, Value: v })),
        StatisticValues: { SampleCount: s.count, Sum: s.sum, Minimum: s.min, Maximum: s.max },
        Unit: unitOf(node.name),
        Timestamp: timestamp,
      },
    });
  });
  picked.sort((a, b) => compareDims(a.dims, b.dims));
  return picked.map((p) => p.datum);
}

function compareDims(a: readonly (readonly [string, string])[], b: typeof a): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const [ak, av] = a[i]!;
    const [bk, bv] = b[i]!;
    if (ak !== bk) return ak < bk ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return 0;
}

/** Consecutive requests within the limits, as the SDK will serialize them (JSON). */
export function batchData(
  namespace: string,
  data: readonly Datum[],
  limits = UPLOAD_LIMITS,
): Datum[][] {
  const envelope = Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }));
  const batches: Datum[][] = [];
  let current: Datum[] = [];
  let bytes = envelope;
  for (const d of data) {
    const size = datumBytes(d) + 1;
    if (
      current.length > 0 &&
      (current.length >= limits.maxData || bytes + size > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The datum's JSON size; the SDK writes the timestamp as epoch seconds with milliseconds. */
export function datumBytes(d: Datum): number {
  return Buffer.byteLength(JSON.stringify({ ...d, Timestamp: 0 })) + 13;
}
