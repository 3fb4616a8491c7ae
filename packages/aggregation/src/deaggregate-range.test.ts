// deaggregate() with a shard's hash-key range, and the record shapes it reads directly.
import type { _Record, Shard } from '@aws-sdk/client-kinesis';
import { describe, expect, test } from '@jest/globals';
import { aggregate } from './aggregated-record.js';
import { AggregationArgumentError } from './argument-error.js';
import { deaggregate, deaggregateLambdaRecord } from './deaggregate.js';
import { hashKeyOf, MAX_HASH_KEY } from './hash-key.js';
import { randomRecordSet, seeded } from './record-set-fixtures.js';

const HALF = MAX_HASH_KEY / 2n;
const LOWER = { startingHashKey: 0n, endingHashKey: HALF };
const UPPER = { StartingHashKey: (HALF + 1n).toString(), EndingHashKey: MAX_HASH_KEY.toString() };

const hashOf = (r: { partitionKey: string; explicitHashKey?: string }): bigint =>
  r.explicitHashKey === undefined ? hashKeyOf(r.partitionKey) : BigInt(r.explicitHashKey);

describe('a shard’s hash-key range', () => {
  test('an aggregated record is kept whole when the range holds every member, dropped whole otherwise', () => {
    const rand = seeded(17);
    let kept = 0;
    let dropped = 0;
    for (let run = 0; run < 200; run++) {
      const records = randomRecordSet(rand, { maxCount: 60, largeData: false });
      if (records.length < 2) continue;
      const data = aggregate(records);
      for (const [range, holds] of [
        [LOWER, (h: bigint) => h <= HALF],
        [UPPER, (h: bigint) => h > HALF],
      ] as const) {
        const out = deaggregate({ partitionKey: 'agg', data }, { hashKeyRange: range });
        if (records.every((r) => holds(hashOf(r)))) {
          kept++;
          expect(out).toHaveLength(records.length);
          out.forEach((r, i) => {
            expect(r.subSequenceNumber).toBe(i);
            expect(r.partitionKey).toBe(records[i]!.partitionKey);
            expect(r.explicitHashKey).toBe(records[i]!.explicitHashKey);
            expect(r.data.equals(Buffer.from(records[i]!.data))).toBe(true);
          });
        } else {
          dropped++;
          expect(out).toEqual([]);
        }
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });

  test('an explicit hash key decides, not the partition key', () => {
    const range = { startingHashKey: '0', endingHashKey: '10' };
    const inside = aggregate([
      { partitionKey: 'a', data: Buffer.from('low'), explicitHashKey: '5' },
      { partitionKey: 'a', data: Buffer.from('lower'), explicitHashKey: '10' },
    ]);
    const out = deaggregate({ partitionKey: 'a', data: inside }, { hashKeyRange: range });
    expect(out.map((r) => r.data.toString())).toEqual(['low', 'lower']);
    const mixed = aggregate([
      { partitionKey: 'a', data: Buffer.from('low'), explicitHashKey: '5' },
      { partitionKey: 'a', data: Buffer.from('high'), explicitHashKey: MAX_HASH_KEY.toString() },
    ]);
    expect(deaggregate({ partitionKey: 'a', data: mixed }, { hashKeyRange: range })).toEqual([]);
  });

  test('both ends are inside the range', () => {
    const key = 'edge';
    const h = hashKeyOf(key);
    const data = aggregate([
      { partitionKey: key, data: Buffer.from('1') },
      { partitionKey: key, data: Buffer.from('2') },
    ]);
    for (const hashKeyRange of [
      { startingHashKey: h, endingHashKey: h },
      { startingHashKey: h, endingHashKey: MAX_HASH_KEY },
      { startingHashKey: 0n, endingHashKey: h },
    ]) {
      expect(deaggregate({ partitionKey: key, data }, { hashKeyRange })).toHaveLength(2);
    }
    const above = { startingHashKey: h + 1n, endingHashKey: MAX_HASH_KEY };
    expect(deaggregate({ partitionKey: key, data }, { hashKeyRange: above })).toHaveLength(0);
  });

  test('a record that was not aggregated is kept whatever its key: Kinesis routed it', () => {
    const key = 'plain';
    const outside =
      hashKeyOf(key) <= HALF
        ? { startingHashKey: HALF + 1n, endingHashKey: MAX_HASH_KEY }
        : { startingHashKey: 0n, endingHashKey: HALF };
    const out = deaggregate(
      { partitionKey: key, data: Buffer.from('x') },
      { hashKeyRange: outside },
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.aggregated).toBe(false);
  });

  test('a range that is not one names the end at fault', () => {
    const data = Buffer.from('x');
    const cases: [unknown, string][] = [
      [{ startingHashKey: '-1', endingHashKey: '5' }, 'hashKeyRange.startingHashKey'],
      [{ startingHashKey: 0n, endingHashKey: MAX_HASH_KEY + 1n }, 'hashKeyRange.endingHashKey'],
      [{ StartingHashKey: '10', EndingHashKey: '9' }, 'hashKeyRange.EndingHashKey'],
      [{ startingHashKey: 1.5, endingHashKey: 2 }, 'hashKeyRange.startingHashKey'],
      [null, 'hashKeyRange'],
    ];
    for (const [hashKeyRange, field] of cases) {
      let error: unknown;
      try {
        deaggregate({ partitionKey: 'k', data }, { hashKeyRange: hashKeyRange as never });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AggregationArgumentError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field });
      expect((error as Error).message).toContain(field);
    }
  });
});

describe('record shapes', () => {
  const records = [
    { partitionKey: 'p1', data: Buffer.from('one') },
    { partitionKey: 'p2', data: Buffer.from('two'), explicitHashKey: '42' },
  ];
  const data = aggregate(records);
  const arrival = new Date('2026-01-02T03:04:05.678Z');

  test('the SDK v3 GetRecords record and shard range, as they come', () => {
    // Typed as the SDK types them, so a change on either side fails the type check.
    const record: _Record = {
      Data: new Uint8Array(data),
      PartitionKey: 'p1',
      SequenceNumber: '4955',
      ApproximateArrivalTimestamp: arrival,
    };
    const shard: Shard = {
      ShardId: 'shardId-000000000000',
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX_HASH_KEY.toString() },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    };
    const out = deaggregate(record, { hashKeyRange: shard.HashKeyRange });
    expect(out.map((r) => [r.partitionKey, r.explicitHashKey, r.data.toString()])).toEqual([
      ['p1', undefined, 'one'],
      ['p2', '42', 'two'],
    ]);
    expect(out.every((r) => r.sequenceNumber === '4955')).toBe(true);
    expect(out.every((r) => r.approximateArrivalTimestamp?.getTime() === arrival.getTime())).toBe(
      true,
    );
  });

  test('the Lambda Kinesis event record, as it comes', () => {
    const lambdaRecord = {
      eventSource: 'aws:kinesis',
      eventID: 'shardId-000000000000:4955',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'p1',
        sequenceNumber: '4955',
        data: data.toString('base64'),
        approximateArrivalTimestamp: arrival.getTime() / 1000,
      },
    };
    for (const out of [deaggregate(lambdaRecord), deaggregateLambdaRecord(lambdaRecord)]) {
      expect(out.map((r) => r.data.toString())).toEqual(['one', 'two']);
      expect(out[1]!.subSequenceNumber).toBe(1);
      expect(out[0]!.sequenceNumber).toBe('4955');
      expect(out[0]!.approximateArrivalTimestamp?.getTime()).toBe(arrival.getTime());
    }
  });

  test('a plain SDK record comes back with its own key and sequence number', () => {
    const out = deaggregate({ Data: Buffer.from('raw'), PartitionKey: 'k', SequenceNumber: '7' });
    expect(out).toEqual([
      { partitionKey: 'k', data: Buffer.from('raw'), sequenceNumber: '7', aggregated: false },
    ]);
  });

  test('a record missing its data or key is refused, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ PartitionKey: 'k' }, 'record.Data'],
      [{ Data: 'not bytes', PartitionKey: 'k' }, 'record.Data'],
      [{ Data: new Uint8Array(1) }, 'record.PartitionKey'],
      [{ kinesis: { partitionKey: 'k', sequenceNumber: '1' } }, 'record.kinesis.data'],
      [{ kinesis: null }, 'record.kinesis'],
      [{ partitionKey: 'k' }, 'record.data'],
      [undefined, 'record'],
    ];
    for (const [record, field] of cases) {
      expect(() => deaggregate(record as never)).toThrow(AggregationArgumentError);
      expect(() => deaggregate(record as never)).toThrow(`Invalid ${field}:`);
    }
  });
});
