import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import {
  AggregatedRecordSchema,
  RecordSchema,
  TagSchema,
} from '../../protocol/src/gen/messages_pb.js';
import { type AggregatableRecord, aggregate } from './aggregated-record.js';
import {
  type DeaggregatedRecord,
  deaggregate,
  deaggregateLambdaRecord,
  isAggregated,
} from './deaggregate.js';
import { randomRecordSet, seeded, wrapAggregate } from './record-set-fixtures.js';

const MAGIC_HEX = 'f3899ac2';

function expectUserRecords(
  out: DeaggregatedRecord[],
  records: readonly AggregatableRecord[],
  sequenceNumber?: string,
): void {
  expect(out).toHaveLength(records.length);
  out.forEach((r, i) => {
    expect(r.aggregated).toBe(true);
    expect(r.subSequenceNumber).toBe(i);
    expect(r.sequenceNumber).toBe(sequenceNumber);
    expect(r.partitionKey).toBe(records[i].partitionKey);
    expect(r.explicitHashKey).toBe(records[i].explicitHashKey);
    expect(Buffer.isBuffer(r.data)).toBe(true);
    expect(r.data.equals(Buffer.from(records[i].data))).toBe(true);
  });
}

function expectPassedThrough(
  out: DeaggregatedRecord[],
  input: {
    partitionKey: string;
    data: Uint8Array;
    sequenceNumber?: string;
    explicitHashKey?: string;
  },
): void {
  expect(out).toHaveLength(1);
  const [r] = out;
  expect(r.aggregated).toBe(false);
  expect('subSequenceNumber' in r).toBe(false);
  expect(r.partitionKey).toBe(input.partitionKey);
  expect(r.explicitHashKey).toBe(input.explicitHashKey);
  expect(r.sequenceNumber).toBe(input.sequenceNumber);
  expect(r.data.equals(Buffer.from(input.data))).toBe(true);
}

/** Magic + protobuf + a correct MD5: only the protobuf can be at fault. */
const withValidChecksum = (protobufHex: string): Buffer =>
  wrapAggregate(Buffer.from(protobufHex, 'hex'));

describe('aggregated records', () => {
  test('random record sets come back exactly, with sequence and sub-sequence numbers', () => {
    const rand = seeded(0xdea9);
    for (let i = 0; i < 500; i++) {
      const records = randomRecordSet(rand, { maxCount: 100 });
      if (records.length < 2) continue;
      const data = aggregate(records);
      expect(isAggregated(data)).toBe(true);
      expectUserRecords(
        deaggregate({ partitionKey: 'a', data, sequenceNumber: `${i}` }),
        records,
        `${i}`,
      );
    }
  });

  test('the KPL worked example', () => {
    const data = Buffer.from(
      `${MAGIC_HEX}0a03706b310a03706b321a0908001a0568656c6c6f1a0908011a05776f726c641a0508001a012113441f9267225980303271d133978ab4`,
      'hex',
    );
    const at = new Date(1_700_000_000_000);
    const out = deaggregate({
      partitionKey: 'a',
      data,
      sequenceNumber: '4950',
      approximateArrivalTimestamp: at,
    });
    expect(out.map((r) => [r.partitionKey, r.data.toString()])).toEqual([
      ['pk1', 'hello'],
      ['pk2', 'world'],
      ['pk1', '!'],
    ]);
    expect(out.every((r) => r.approximateArrivalTimestamp === at)).toBe(true);
  });

  test('input given as a Uint8Array view at an offset', () => {
    const records = [
      { partitionKey: 'x', data: Buffer.from('1') },
      { partitionKey: 'y', data: Buffer.from('22'), explicitHashKey: '5' },
    ];
    const encoded = aggregate(records);
    const backing = new Uint8Array(encoded.length + 10);
    backing.set(encoded, 7);
    expectUserRecords(
      deaggregate({ partitionKey: 'a', data: backing.subarray(7, 7 + encoded.length) }),
      records,
    );
  });

  test('an aggregated record holding one user record, and one with none', () => {
    const one = create(AggregatedRecordSchema, {
      partitionKeyTable: ['only'],
      records: [create(RecordSchema, { partitionKeyIndex: 0n, data: Buffer.from('solo') })],
    });
    const out = deaggregate({
      partitionKey: 'a',
      data: wrapAggregate(toBinary(AggregatedRecordSchema, one)),
    });
    expectUserRecords(out, [{ partitionKey: 'only', data: Buffer.from('solo') }]);
    expect(deaggregate({ partitionKey: 'a', data: withValidChecksum('') })).toEqual([]);
  });

  test('tables that are not deduplicated are read as well', () => {
    const message = create(AggregatedRecordSchema, {
      partitionKeyTable: ['k', 'k', 'k'],
      explicitHashKeyTable: ['1', '1'],
      records: [
        create(RecordSchema, {
          partitionKeyIndex: 2n,
          explicitHashKeyIndex: 1n,
          data: Buffer.from('a'),
        }),
        create(RecordSchema, { partitionKeyIndex: 0n, data: Buffer.from('') }),
        create(RecordSchema, {
          partitionKeyIndex: 1n,
          explicitHashKeyIndex: 0n,
          data: Buffer.from('c'),
        }),
      ],
    });
    const out = deaggregate({
      partitionKey: 'a',
      data: wrapAggregate(toBinary(AggregatedRecordSchema, message)),
    });
    expectUserRecords(out, [
      { partitionKey: 'k', explicitHashKey: '1', data: Buffer.from('a') },
      { partitionKey: 'k', data: Buffer.alloc(0) },
      { partitionKey: 'k', explicitHashKey: '1', data: Buffer.from('c') },
    ]);
  });

  test('tags and unknown fields of every wire type are skipped', () => {
    const withTags = create(AggregatedRecordSchema, {
      partitionKeyTable: ['p'],
      records: [
        create(RecordSchema, {
          partitionKeyIndex: 0n,
          data: Buffer.from('d'),
          tags: [create(TagSchema, { key: 'k', value: 'v' }), create(TagSchema, { key: 'k2' })],
        }),
      ],
    });
    const tagged = Buffer.from(toBinary(AggregatedRecordSchema, withTags)).toString('hex');
    expect(tagged).toContain('2206'); // the tags really are on the wire

    // Field 9 as varint (48), fixed64 (49), length-delimited (4a), fixed32 (4d), group (4b..4c).
    const unknown = '48ac02' + '490102030405060708' + '4a03616263' + '4d01020304' + '4b4801' + '4c';
    const record = `0800${unknown}1a0165`; // pk index 0, unknowns, data "e"
    const protobuf = `${unknown}0a0170${unknown}${tagged.slice(6)}1a${(record.length / 2).toString(16).padStart(2, '0')}${record}${unknown}`;
    const out = deaggregate({ partitionKey: 'a', data: withValidChecksum(protobuf) });
    expectUserRecords(out, [
      { partitionKey: 'p', data: Buffer.from('d') },
      { partitionKey: 'p', data: Buffer.from('e') },
    ]);
  });

  test('a known field number with an unexpected wire type is skipped like an unknown field', () => {
    // partition_key_index also sent as fixed32 (0d) and data as varint (18): both ignored.
    const record = '0801' + '0d00000000' + '1802' + '1a0178';
    const out = deaggregate({
      partitionKey: 'a',
      data: withValidChecksum(
        `0a01610a0162${'1a'}${(record.length / 2).toString(16).padStart(2, '0')}${record}`,
      ),
    });
    expectUserRecords(out, [{ partitionKey: 'b', data: Buffer.from('x') }]);
  });
});

describe('records that are not aggregated', () => {
  test('plain records pass through as one record, keys and sequence number kept', () => {
    for (const data of [Buffer.from('plain payload'), Buffer.alloc(0), Buffer.alloc(100000, 1)]) {
      const input = { partitionKey: 'pk', explicitHashKey: '42', data, sequenceNumber: '123' };
      expectPassedThrough(deaggregate(input), input);
      expect(isAggregated(data)).toBe(false);
    }
  });

  test('records starting with the magic but too short for the trailer pass through', () => {
    for (const hex of [MAGIC_HEX, `${MAGIC_HEX}00`, `${MAGIC_HEX}${'00'.repeat(15)}`]) {
      const input = { partitionKey: 'pk', data: Buffer.from(hex, 'hex') };
      expectPassedThrough(deaggregate(input), input);
    }
  });

  test('a single-record encoding is the plain data and passes through', () => {
    const data = aggregate([{ partitionKey: 'pk', data: Buffer.from('alone') }]);
    expect(isAggregated(data)).toBe(false);
    expectPassedThrough(deaggregate({ partitionKey: 'pk', data }), { partitionKey: 'pk', data });
  });
});

describe('corrupt aggregated records are returned as they are', () => {
  const records = [
    { partitionKey: 'a', data: Buffer.from('one') },
    { partitionKey: 'b', data: Buffer.from('two') },
  ];

  test('a wrong MD5 (trailer or body changed)', () => {
    const good = aggregate(records);
    for (const offset of [good.length - 1, good.length - 16, 6]) {
      const bad = Buffer.from(good);
      bad[offset] ^= 0x01;
      expect(isAggregated(bad)).toBe(false);
      const input = { partitionKey: 'a', data: bad, sequenceNumber: '7' };
      expectPassedThrough(deaggregate(input), input);
    }
  });

  test.each([
    ['truncated varint', '0a0170' + '1a'],
    ['length past the end', '0a05616263'],
    ['record length past the end', '0a01701a09080012'],
    ['partition key index out of range', '0a01701a0408011a00'],
    ['explicit hash key index out of range', '0a0170120131' + '1a0608001001' + '1a00'],
    ['explicit hash key index with an empty table', '0a01701a0608001000' + '1a00'],
    ['record without data', '0a01701a020800'],
    ['record without partition key index', '0a01701a021a00'],
    ['field number 0', '0a0170' + '0000'],
    ['wire type 6', '0a0170' + '4e00'],
    ['wire type 7', '0a0170' + '4f00'],
    ['unmatched end group', '0a0170' + '4c'],
    ['group never closed', '0a0170' + '4b4801'],
    ['truncated fixed64', '0a0170' + '4901020304'],
    ['varint longer than 10 bytes', `0a017048${'ff'.repeat(10)}01`],
  ])('a protobuf with a valid MD5 that does not parse: %s', (_name, protobufHex) => {
    const data = withValidChecksum(protobufHex);
    expect(isAggregated(data)).toBe(true); // magic and MD5 are fine; the protobuf is not
    const input = { partitionKey: 'outer', data, sequenceNumber: '99', explicitHashKey: '5' };
    expectPassedThrough(deaggregate(input), input);
  });
});

describe('Lambda Kinesis event records', () => {
  const lambdaRecord = (data: Buffer) => ({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'a',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      data: data.toString('base64'),
      approximateArrivalTimestamp: 1545084650.987,
    },
    eventSource: 'aws:kinesis',
    eventName: 'aws:kinesis:record',
  });

  test('an aggregated record yields its user records', () => {
    const records = [
      { partitionKey: 'user-1', data: Buffer.from('{"n":1}') },
      {
        partitionKey: 'user-2',
        data: Buffer.from('{"n":2}'),
        explicitHashKey: '170141183460469231731687303715884105728',
      },
    ];
    const event = lambdaRecord(aggregate(records));
    const out = deaggregateLambdaRecord(event);
    expectUserRecords(out, records, event.kinesis.sequenceNumber);
    expect(out[0].approximateArrivalTimestamp?.getTime()).toBe(1545084650987);
  });

  test('a plain record passes through', () => {
    const data = Buffer.from('hello');
    const out = deaggregateLambdaRecord(lambdaRecord(data));
    expectPassedThrough(out, {
      partitionKey: 'a',
      data,
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    });
  });
});
