import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { deaggregateAll, type StoredRecord } from './read-back.js';

const MAGIC = 'f3899ac2';

function aggregated(protobufHex: string): Buffer {
  const pb = Buffer.from(protobufHex.replace(/\s+/g, ''), 'hex');
  return Buffer.concat([Buffer.from(MAGIC, 'hex'), pb, createHash('md5').update(pb).digest()]);
}

function stored(data: Buffer, extra: Partial<StoredRecord> = {}): StoredRecord {
  return {
    shardId: 'shardId-000000000001',
    sequenceNumber: '4711',
    partitionKey: 'a',
    data,
    ...extra,
  };
}

describe('deaggregateAll', () => {
  test('splits the KPL format test vector into its user records', () => {
    // The KPL's worked example: (pk1, hello), (pk2, world), (pk1, !).
    const data = aggregated(
      '0a03706b31 0a03706b32 1a0908001a0568656c6c6f 1a0908011a05776f726c64 1a0508001a0121',
    );
    expect(data.toString('hex')).toBe(
      'f3899ac20a03706b310a03706b321a0908001a0568656c6c6f1a0908011a05776f726c641a0508001a012113441f9267225980303271d133978ab4',
    );
    const found = deaggregateAll([
      stored(data, { explicitHashKey: '329398341438914906102347661116985167824' }),
    ]);
    expect(found.map((f) => [f.partitionKey, f.data.toString(), f.subSequenceNumber])).toEqual([
      ['pk1', 'hello', 0],
      ['pk2', 'world', 1],
      ['pk1', '!', 2],
    ]);
    for (const f of found) {
      expect(f).toMatchObject({
        shardId: 'shardId-000000000001',
        sequenceNumber: '4711',
        aggregated: true,
        kinesisRecordExplicitHashKey: '329398341438914906102347661116985167824',
      });
      expect(f.explicitHashKey).toBeUndefined();
    }
  });

  test('gives an explicit hash key only to the members that carry one', () => {
    // Tables: pk ["p1", "p2"], ehk ["123"]; records (p1, "a"), (p2, ehk 0, empty data).
    const data = aggregated('0a027031 0a027032 1203313233 1a050800 1a0161 1a06080110001a00');
    const found = deaggregateAll([stored(data)]);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ partitionKey: 'p1', data: Buffer.from('a') });
    expect(found[0]!.explicitHashKey).toBeUndefined();
    expect(found[1]).toMatchObject({
      partitionKey: 'p2',
      explicitHashKey: '123',
      data: Buffer.alloc(0),
    });
  });

  test('passes plain records through, including one that only starts with the magic', () => {
    const fake = Buffer.concat([Buffer.from(MAGIC, 'hex'), Buffer.alloc(30, 7)]);
    const found = deaggregateAll([
      stored(Buffer.from('plain'), { partitionKey: 'k1', sequenceNumber: '1' }),
      stored(fake, { partitionKey: 'k2', sequenceNumber: '2' }),
      stored(Buffer.alloc(0), { partitionKey: 'k3', sequenceNumber: '3' }),
    ]);
    expect(found).toEqual([
      expect.objectContaining({
        partitionKey: 'k1',
        data: Buffer.from('plain'),
        aggregated: false,
      }),
      expect.objectContaining({ partitionKey: 'k2', data: fake, aggregated: false }),
      expect.objectContaining({ partitionKey: 'k3', data: Buffer.alloc(0), aggregated: false }),
    ]);
    expect(found[0]!.subSequenceNumber).toBeUndefined();
  });

  test('throws on a record with a valid checksum but an undecodable body', () => {
    expect(() => deaggregateAll([stored(aggregated('1a ff ff ff ff 0f 00'))])).toThrow(
      /could not deaggregate record 4711/,
    );
  });
});
