// The producer's metrics in the Prometheus text exposition format, with no client library: each
// metric's total since start as a gauge family, its dimensions as labels. (With prom-client, set
// a labelled Gauge from the same snapshot instead.)
import type { KinesisProducer, Metric, MetricsSnapshot } from 'kinesis-producer';

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labels(m: Metric): string {
  const { StreamName = '', ShardId = '', ErrorCode = '' } = m.dimensions;
  return `metric="${escapeLabel(m.name)}",stream="${escapeLabel(StreamName)}",shard="${escapeLabel(ShardId)}",error_code="${escapeLabel(ErrorCode)}"`;
}

export function exposition(snapshot: MetricsSnapshot | undefined): string {
  const lines = [
    '# HELP kinesis_producer_sum Sum of a KPL metric since the producer started.',
    '# TYPE kinesis_producer_sum gauge',
    '# HELP kinesis_producer_count Samples of a KPL metric since the producer started.',
    '# TYPE kinesis_producer_count gauge',
  ];
  for (const m of snapshot?.metrics ?? []) {
    lines.push(`kinesis_producer_sum{${labels(m)}} ${m.sum}`);
    lines.push(`kinesis_producer_count{${labels(m)}} ${m.sampleCount}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Keeps the latest snapshot for a scrape; returns what a /metrics handler serves, and stop(). */
export function prometheusAdapter(producer: KinesisProducer, intervalMs = 15_000) {
  let latest: MetricsSnapshot | undefined;
  const stop = producer.onMetrics(
    (s) => {
      latest = s;
    },
    { intervalMs },
  );
  return { scrape: () => exposition(latest), latest: () => latest, stop };
}
