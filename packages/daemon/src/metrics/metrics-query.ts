// getMetrics on the daemon's side: a MetricsRequest answered from the tree (docs/metrics.md, "getMetrics").
// Unlike the KPL, a window is always the last N seconds: uploads do not consume the buckets.
import { create, isFieldSet } from '@bufbuild/protobuf';
import {
  encodeMessage,
  type Metric,
  MetricSchema,
  type MetricsRequest,
  MetricsRequestSchema,
  type MetricsResponse,
  MetricsResponseSchema,
  metricsResponseMessage,
} from '@kinesis-producer/protocol';
import type { Stats } from './accumulator.js';
import { cumulative, type MetricsRegistry, windowed } from './metrics-registry.js';
import { second } from './stream-metrics.js';

/**
 * Every node of the named metric (all metrics without a name). Without `seconds`: totals since
 * each node was created. With `seconds = N`: the current second and the N - 1 before it.
 */
export function queryMetrics(
  registry: MetricsRegistry,
  req: MetricsRequest,
  t: number,
): MetricsResponse {
  const name = isFieldSet(req, MetricsRequestSchema.field.name) && req.name ? req.name : undefined;
  const window = isFieldSet(req, MetricsRequestSchema.field.seconds) ? req.seconds : undefined;
  const nowSecond = second(t);
  const own = window === undefined ? cumulative : windowed(nowSecond - Number(window), nowSecond);
  const metrics: Metric[] = [];
  registry.collect(name, own, (node, stats) => {
    metrics.push(
      create(MetricSchema, {
        name: node.name,
        dimensions: node.dimensions.map(([key, value]) => ({ key, value })),
        stats: toProto(stats),
        seconds: window ?? BigInt(Math.max(0, Math.floor((t - node.created) / 1000))),
      }),
    );
  });
  return create(MetricsResponseSchema, { metrics });
}

/** An empty selection reads as zeros: the KPL's ±DBL_MAX and NaN are of no use to anyone. */
function toProto(s: Stats) {
  if (s.count === 0) return { count: 0, sum: 0, mean: 0, min: 0, max: 0 };
  return { count: s.count, sum: s.sum, mean: s.sum / s.count, min: s.min, max: s.max };
}

/** The frame answering request `sourceId`; no response yet means no metrics yet. */
export function metricsResponseFrame(
  id: bigint,
  sourceId: bigint,
  response: MetricsResponse | undefined,
): Uint8Array {
  return encodeMessage(metricsResponseMessage(id, sourceId, response));
}
