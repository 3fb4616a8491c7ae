// The producer's metrics as OpenTelemetry instruments: one observable gauge per metric of the
// KPL's catalogue, observed from the latest snapshot at each collection, with the dimensions as
// attributes. Works with any MeterProvider (the SDK's, or a vendor's).
import type { Meter } from '@opentelemetry/api';
import type { KinesisProducer, MetricsSnapshot } from 'kinesis-producer';

const CATALOGUE: [name: string, unit: string][] = [
  ['UserRecordsReceived', '{record}'],
  ['UserRecordsPending', '{record}'],
  ['UserRecordsPut', '{record}'],
  ['UserRecordsDataPut', 'By'],
  ['UserRecordExpired', '{record}'],
  ['BufferingTime', 'ms'],
  ['RetriesPerRecord', '{retry}'],
  ['KinesisRecordsPut', '{record}'],
  ['KinesisRecordsDataPut', 'By'],
  ['ErrorsByCode', '{error}'],
  ['AllErrors', '{error}'],
  ['RequestTime', 'ms'],
  ['KinesisRecordsPerPutRecordsRequest', '{record}'],
  ['UserRecordsPerPutRecordsRequest', '{record}'],
  ['UserRecordsPerKinesisRecord', '{record}'],
];

/** Registers the instruments on `meter`; returns stop() and the snapshot they observe now. */
export function openTelemetryAdapter(producer: KinesisProducer, meter: Meter, intervalMs = 15_000) {
  let latest: MetricsSnapshot | undefined;
  const stop = producer.onMetrics(
    (s) => {
      latest = s;
    },
    { intervalMs },
  );
  for (const [name, unit] of CATALOGUE) {
    const gauge = meter.createObservableGauge(`kinesis_producer.${name}`, {
      unit,
      description: `KPL ${name}: sum since the producer started`,
    });
    gauge.addCallback((result) => {
      for (const m of latest?.metrics ?? []) {
        if (m.name === name) result.observe(m.sum, { ...m.dimensions });
      }
    });
  }
  return { stop, latest: () => latest };
}
