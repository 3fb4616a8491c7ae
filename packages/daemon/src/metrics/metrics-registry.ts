// The metric tree (docs/metrics.md): one root per metric name, and one level per dimension
// in the KPL's fixed order. A sample is stored once, in the node it was put to; a node's
// statistics are those of its whole subtree, summed when they are read. Reads are rare (an
// upload a minute, a getMetrics now and then), puts happen several times per record.
import { now } from '../clock.js';
import { Accumulator, emptyStats, mergeStats, type Stats } from './accumulator.js';
import type { Granularity } from './metric-names.js';

export type Dimension = readonly [key: string, value: string];

/** The configured additional dimensions, by the level they are inserted at. */
export interface ExtraDimensions {
  global: readonly Dimension[];
  stream: readonly Dimension[];
  shard: readonly Dimension[];
}

/** Where a sample belongs; an absent stream leaves out the shard too. */
export interface Scope {
  errorCode?: string;
  stream?: string;
  shard?: string;
}

export class MetricNode {
  readonly samples = new Accumulator();
  readonly children = new Map<string, MetricNode>();

  constructor(
    readonly name: string,
    /** Every dimension after MetricName, in hierarchy order. */
    readonly dimensions: readonly Dimension[],
    readonly granularity: Granularity,
    /** Monotonic milliseconds when the node was first looked up. */
    readonly created: number,
  ) {}

  put(v: number, second: number): void {
    this.samples.put(v, second);
  }
}

/** Reads one node's own samples into `into` (its totals, or a window of its buckets). */
export type OwnStats = (node: MetricNode, into: Stats) => void;

export class MetricsRegistry {
  private readonly roots = new Map<string, MetricNode>();

  constructor(
    private readonly extra: ExtraDimensions = { global: [], stream: [], shard: [] },
    private readonly clock: () => number = now,
  ) {}

  /** The node for a metric at a scope, creating it and every missing prefix on the way. */
  find(name: string, scope: Scope = {}): MetricNode {
    const t = this.clock();
    let node = this.roots.get(name);
    if (!node) {
      node = new MetricNode(name, [], 'global', t);
      this.roots.set(name, node);
    }
    for (const d of this.extra.global) node = this.child(node, d, t);
    if (scope.errorCode !== undefined) node = this.child(node, ['ErrorCode', scope.errorCode], t);
    if (scope.stream === undefined) return node;
    node = this.child(node, ['StreamName', scope.stream], t);
    for (const d of this.extra.stream) node = this.child(node, d, t);
    if (scope.shard === undefined) return node;
    node = this.child(node, ['ShardId', scope.shard], t);
    for (const d of this.extra.shard) node = this.child(node, d, t);
    return node;
  }

  /**
   * Calls `visit` for every node of the named metric (or of all metrics), children before their
   * parent, with the statistics of the node's subtree as `own` reads them.
   */
  collect(
    name: string | undefined,
    own: OwnStats,
    visit: (node: MetricNode, stats: Stats) => void,
  ): void {
    if (name !== undefined) {
      const root = this.roots.get(name);
      if (root) walk(root, own, visit);
      return;
    }
    for (const root of this.roots.values()) walk(root, own, visit);
  }

  private child(parent: MetricNode, d: Dimension, t: number): MetricNode {
    const key = `${d[0]}\u0000${d[1]}`;
    let node = parent.children.get(key);
    if (!node) {
      const granularity: Granularity =
        d[0] === 'ShardId' || parent.granularity === 'shard'
          ? 'shard'
          : d[0] === 'StreamName' || parent.granularity === 'stream'
            ? 'stream'
            : 'global';
      node = new MetricNode(parent.name, [...parent.dimensions, d], granularity, t);
      parent.children.set(key, node);
    }
    return node;
  }
}

function walk(
  node: MetricNode,
  own: OwnStats,
  visit: (node: MetricNode, stats: Stats) => void,
): Stats {
  const s = emptyStats();
  own(node, s);
  for (const c of node.children.values()) mergeStats(s, walk(c, own, visit));
  visit(node, s);
  return s;
}

/** Totals since each node was created. */
export const cumulative: OwnStats = (node, into) => mergeStats(into, node.samples);

/** The buckets with `from < second <= to`. */
export function windowed(from: number, to: number): OwnStats {
  return (node, into) => node.samples.window(from, to, into);
}
