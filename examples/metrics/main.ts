// Prometheus and OpenTelemetry over producer.onMetrics: sends records, then scrapes /metrics and
// collects the OpenTelemetry instruments, and prints what both say about the records put.
//
//   pnpm -C examples metrics
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { KinesisProducer } from 'kinesis-producer';
import { localKinesis } from '../lib/local-kinesis.js';
import { openTelemetryAdapter } from './opentelemetry.js';
import { prometheusAdapter } from './prometheus.js';

const STREAM = 'metered';
const RECORDS = 1_000;
const INTERVAL_MS = 200;

const kinesis = await localKinesis({ [STREAM]: 1 });
const producer = new KinesisProducer(kinesis.producerOptions);

const prometheus = prometheusAdapter(producer, INTERVAL_MS);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(prometheus.scrape());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const otel = openTelemetryAdapter(
  producer,
  meterProvider.getMeter('kinesis-producer'),
  INTERVAL_MS,
);

await Promise.all(
  Array.from({ length: RECORDS }, (_, i) => producer.addUserRecord(STREAM, `k${i % 50}`, `m${i}`)),
);
// Snapshots come every INTERVAL_MS, to each adapter on its own: wait until both hold one taken
// after the last record was put.
const globalPut = (s: ReturnType<typeof prometheus.latest>) =>
  s?.metrics.find((m) => m.name === 'UserRecordsPut' && !m.dimensions.StreamName)?.sum ?? 0;
for (
  let waited = 0;
  globalPut(prometheus.latest()) < RECORDS || globalPut(otel.latest()) < RECORDS;
  waited += 50
) {
  if (waited > 30_000) throw new Error('no snapshot counted every record within 30 s');
  await delay(50);
}

const { port } = server.address() as AddressInfo;
const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const promLine = scrape
  .split('\n')
  .find((l) => l.startsWith('kinesis_producer_sum{metric="UserRecordsPut",stream="",'));
console.log(`prometheus: ${promLine}`);

await reader.forceFlush();
const otelPoint = exporter
  .getMetrics()
  .at(-1)
  ?.scopeMetrics.flatMap((s) => s.metrics)
  .find((m) => m.descriptor.name === 'kinesis_producer.UserRecordsPut')
  ?.dataPoints.find((p) => Object.keys(p.attributes).length === 0);
console.log(`opentelemetry: kinesis_producer.UserRecordsPut ${otelPoint?.value}`);

prometheus.stop();
otel.stop();
await meterProvider.shutdown();
server.close();
await producer.close();
await kinesis.stop();
