// Cross-checks against aws-kinesis-agg, AWS's independent Node implementation of the format
// (protobufjs-based), in both directions.
import { createRequire } from 'node:module';
import { describe, expect, test } from '@jest/globals';
import { type AggregatableRecord, aggregate } from './aggregated-record.js';
import { deaggregate } from './deaggregate.js';
import { type Random, randomRecordSet, seeded } from './record-set-fixtures.js';

interface TheirUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber: number;
  data: string; // base64
}

interface AwsKinesisAgg {
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    callback: (err: Error | null | undefined, records?: TheirUserRecord[]) => void,
  ): void;
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string };
  };
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

function theirDeaggregate(data: Buffer, sequenceNumber: string): TheirUserRecord[] {
  let result: TheirUserRecord[] | undefined;
  agg.deaggregateSync(
    { partitionKey: 'a', data: data.toString('base64'), sequenceNumber },
    true,
    (err, records) => {
      if (err) throw err;
      result = records;
    },
  );
  if (!result) throw new Error('aws-kinesis-agg returned nothing');
  return result;
}

// aws-kinesis-agg keeps its key tables in plain objects, whose keys that look like array
// indices ("7") enumerate in numeric order, not insertion order; it then writes tables whose
// order disagrees with its indices. Keep such keys out so that only the format is compared.
const ARRAY_INDEX = /^(0|[1-9][0-9]{0,9})$/;
const sanitize = (key: string): string =>
  ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1 ? `k${key}` : key;

function interopSet(rand: Random, forThem: boolean): AggregatableRecord[] {
  const records = randomRecordSet(rand, { maxCount: 80 });
  return records.map((r) => {
    const partitionKey = forThem ? sanitize(r.partitionKey) : r.partitionKey;
    const out: AggregatableRecord = { partitionKey, data: r.data };
    if (r.explicitHashKey !== undefined) {
      out.explicitHashKey = forThem ? `1${r.explicitHashKey.padStart(12, '0')}` : r.explicitHashKey;
    }
    return out;
  });
}

describe('aws-kinesis-agg reads what we produce', () => {
  test('every user record: partition key, explicit hash key, data, order', () => {
    const rand = seeded(0x1a7e);
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const records = interopSet(rand, false);
      if (records.length < 2) continue;
      const theirs = theirDeaggregate(aggregate(records), `${i}`);
      expect(theirs).toHaveLength(records.length);
      const firstHashKey = records.find((r) => r.explicitHashKey !== undefined)?.explicitHashKey;
      theirs.forEach((t, k) => {
        const r = records[k];
        expect(t.partitionKey).toBe(r.partitionKey);
        expect(t.subSequenceNumber).toBe(k);
        expect(t.sequenceNumber).toBe(`${i}`);
        expect(Buffer.from(t.data, 'base64').equals(Buffer.from(r.data))).toBe(true);
        if (r.explicitHashKey !== undefined) {
          expect(t.explicitPartitionKey).toBe(r.explicitHashKey);
        } else {
          // protobufjs reads an absent optional index as 0, so it reports the first table entry.
          expect([undefined, firstHashKey]).toContain(t.explicitPartitionKey);
        }
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('we read what aws-kinesis-agg produces', () => {
  test('every user record: partition key, explicit hash key, data, order', () => {
    const rand = seeded(0x2b8f);
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const records = interopSet(rand, true);
      if (records.length === 0) continue;
      const aggregator = new agg.RecordAggregator();
      for (const r of records) aggregator.addUserRecord({ ...r, data: Buffer.from(r.data) });
      const built = aggregator.build();
      // It aggregates even a single record, which we must read as one user record.
      const ours = deaggregate({
        partitionKey: built.partitionKey,
        data: built.data,
        sequenceNumber: `${i}`,
      });
      expect(ours).toHaveLength(records.length);
      ours.forEach((o, k) => {
        expect(o.aggregated).toBe(true);
        expect(o.subSequenceNumber).toBe(k);
        expect(o.sequenceNumber).toBe(`${i}`);
        expect(o.partitionKey).toBe(records[k].partitionKey);
        expect(o.explicitHashKey).toBe(records[k].explicitHashKey);
        expect(o.data.equals(Buffer.from(records[k].data))).toBe(true);
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  test('for the same records both libraries write the same bytes', () => {
    const rand = seeded(0x3c90);
    for (let i = 0; i < 200; i++) {
      const records = interopSet(rand, true);
      if (records.length < 2) continue;
      const aggregator = new agg.RecordAggregator();
      for (const r of records) aggregator.addUserRecord({ ...r, data: Buffer.from(r.data) });
      expect(aggregator.build().data.equals(aggregate(records))).toBe(true);
    }
  });
});
