import { describe, expect, test } from '@jest/globals';
import type { Stats } from './accumulator.js';
import {
  cumulative,
  type ExtraDimensions,
  type MetricNode,
  MetricsRegistry,
  windowed,
} from './metrics-registry.js';

function all(r: MetricsRegistry, name?: string, own = cumulative) {
  const out: { node: MetricNode; stats: Stats }[] = [];
  r.collect(name, own, (node, stats) => out.push({ node, stats }));
  return out;
}

function paths(r: MetricsRegistry, name?: string): string[] {
  return all(r, name)
    .map((x) => x.node.dimensions.map(([k, v]) => `${k}=${v}`).join(','))
    .sort();
}

describe('MetricsRegistry', () => {
  test('a lookup creates every prefix node once, and a second lookup finds the same node', () => {
    const r = new MetricsRegistry();
    const a = r.find('Test', { stream: 's', shard: 'shardId-000000000001' });
    const b = r.find('Test', { stream: 's', shard: 'shardId-000000000001' });
    r.find('Test', { stream: 's', shard: 'shardId-000000000002' });
    r.find('Test', { stream: 't' });
    expect(a).toBe(b);
    expect(paths(r)).toEqual([
      '',
      'StreamName=s',
      'StreamName=s,ShardId=shardId-000000000001',
      'StreamName=s,ShardId=shardId-000000000002',
      'StreamName=t',
    ]);
  });

  test('a parent reads the samples of its whole subtree', () => {
    const r = new MetricsRegistry();
    r.find('Test', { stream: 's', shard: 'c' }).put(1, 0);
    r.find('Test', { stream: 's', shard: 'd' }).put(2, 0);
    r.find('Test', { stream: 't', shard: 'f' }).put(3, 0);
    r.find('Test', { stream: 't', shard: 'g' }).put(4, 0);
    // A sample put on a parent itself counts there and above, not below.
    r.find('Test', { stream: 't' }).put(10, 0);
    const sums = Object.fromEntries(
      all(r).map((x) => [x.node.dimensions.map((d) => d[1]).join('/'), x.stats.sum]),
    );
    expect(sums).toEqual({ 's/c': 1, 's/d': 2, s: 3, 't/f': 3, 't/g': 4, t: 17, '': 20 });
    const root = all(r).find((x) => x.node.dimensions.length === 0)!.stats;
    expect([root.count, root.min, root.max]).toEqual([5, 1, 10]);
  });

  test('additional dimensions sit in the KPL order: global, ErrorCode, stream, shard levels', () => {
    const extra: ExtraDimensions = {
      global: [['a', '1']],
      stream: [['b', '2']],
      shard: [['c', '3']],
    };
    const r = new MetricsRegistry(extra);
    const leaf = r.find('Test', { stream: 'MyStream', shard: 'shard-0' });
    expect(leaf.dimensions).toEqual([
      ['a', '1'],
      ['StreamName', 'MyStream'],
      ['b', '2'],
      ['ShardId', 'shard-0'],
      ['c', '3'],
    ]);
    expect(all(r, 'Test')).toHaveLength(6);
    const e = r.find('ErrorsByCode', { errorCode: 'X', stream: 'MyStream' });
    expect(e.dimensions.map((d) => d[0])).toEqual(['a', 'ErrorCode', 'StreamName', 'b']);

    const stream = new MetricsRegistry(extra);
    stream.find('Test', { stream: 'MyStream' });
    expect(all(stream)).toHaveLength(4);
    const global = new MetricsRegistry(extra);
    global.find('Test');
    expect(all(global)).toHaveLength(2);
    const two = new MetricsRegistry({
      global: [
        ['a', '1'],
        ['a2', '1'],
      ],
      stream: [
        ['b', '2'],
        ['b2', '2'],
      ],
      shard: [
        ['c', '3'],
        ['c2', '3'],
      ],
    });
    two.find('Test', { stream: 'MyStream', shard: 'shard-0' });
    expect(all(two)).toHaveLength(9);
  });

  test("a node's granularity is that of the finest of StreamName and ShardId it has", () => {
    const r = new MetricsRegistry({ global: [['g', '1']], stream: [['s', '2']], shard: [] });
    r.find('Test', { errorCode: 'E', stream: 'x', shard: 'y' });
    const got = all(r).map((x) => [
      x.node.dimensions.map((d) => d[0]).join(','),
      x.node.granularity,
    ]);
    expect(got.sort()).toEqual(
      [
        ['', 'global'],
        ['g', 'global'],
        ['g,ErrorCode', 'global'],
        ['g,ErrorCode,StreamName', 'stream'],
        ['g,ErrorCode,StreamName,s', 'stream'],
        ['g,ErrorCode,StreamName,s,ShardId', 'shard'],
      ].sort(),
    );
  });

  test('collect selects one metric by name, or every metric', () => {
    const r = new MetricsRegistry();
    r.find('A', { stream: 's' }).put(1, 5);
    r.find('B').put(2, 6);
    expect(all(r, 'A').map((x) => x.node.name)).toEqual(['A', 'A']);
    expect(all(r, 'missing')).toEqual([]);
    expect(new Set(all(r).map((x) => x.node.name))).toEqual(new Set(['A', 'B']));
    // Windowed reads see only the seconds asked for.
    const w = all(r, undefined, windowed(5, 6));
    expect(w.map((x) => [x.node.name, x.stats.count]).sort()).toEqual([
      ['A', 0],
      ['A', 0],
      ['B', 1],
    ]);
  });
});
