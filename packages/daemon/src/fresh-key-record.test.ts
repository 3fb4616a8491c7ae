import { describe, expect, test } from '@jest/globals';
import { AggregatedRecordBuilder, deaggregate, hashKeyOf } from '@kinesis-producer/aggregation';
import { FreshKeyRecord } from './fresh-key-record.js';
import {
  FRESH_KEY,
  hashKeyFromDecimal,
  hashKeyHigh,
  hashKeyToDecimal,
  internedKeyInfo,
  newPartitionKeyInfo,
} from './hex-hash-key.js';

/** An input chunk holding `key` then `data`, as a decoded PutRecord leaves them. */
function decoded(key: string, data: string, ehk?: string) {
  const input = Buffer.concat([Buffer.from('xx'), Buffer.from(key), Buffer.from(data)]);
  const keyLength = Buffer.byteLength(key);
  // What the interner does with a key it does not keep.
  const entry = internedKeyInfo(undefined, keyLength, input, 2);
  expect(entry).toBe(FRESH_KEY);
  const record = new FreshKeyRecord(
    7,
    ehk,
    {
      dataBytes: input,
      dataStart: 2 + keyLength,
      dataLength: Buffer.byteLength(data),
      partitionKeyStart: 2,
    },
    ehk === undefined ? undefined : hashKeyFromDecimal(ehk),
    0,
    100,
    60_000,
  );
  return { input, record };
}

describe('FreshKeyRecord', () => {
  test('keeps its own key after the shared entry has moved on to the next keys', () => {
    const keys = ['device-1', 'é🎉 key', 'k', 'x'.repeat(256)];
    const made = keys.map((k, i) => decoded(k, `data-${i}`));
    for (const [i, { record }] of made.entries()) {
      const key = keys[i]!;
      const entry = newPartitionKeyInfo(key, Buffer.byteLength(key));
      expect(record.partitionKey).toBe(key);
      expect(record.partitionKeyBytes).toBe(Buffer.byteLength(key));
      expect(record.hashKey).toBe(entry.hashKey);
      expect(hashKeyToDecimal(record.hashKey)).toBe(hashKeyOf(key).toString());
      expect(record.hashHigh).toBe(entry.hashHigh);
      expect(record.fingerprint).toBe(entry.hashHigh);
      expect(record.problem).toBeUndefined();
      // Its own slot in the aggregate's key table.
      expect(record.partitionKeySlot).toBe(record);
      expect(Buffer.from(record.data).toString()).toBe(`data-${i}`);
    }
  });

  test('routes by an explicit hash key, and its key table fingerprint stays its key MD5', () => {
    const ehk = '340282366920938463463374607431768211455';
    const { record } = decoded('device-9', 'd', ehk);
    expect(record.hashKey).toBe(hashKeyFromDecimal(ehk));
    expect(record.hashHigh).toBe(hashKeyHigh(hashKeyFromDecimal(ehk)));
    expect(record.hashKeyDecimal).toBe(ehk);
    expect(record.fingerprint).toBe(newPartitionKeyInfo('device-9', 8).hashHigh);
  });

  test('detached, it owns its key text and hash key, and is no longer a table slot', () => {
    const { input, record } = decoded('device-42', 'payload');
    const hashKey = newPartitionKeyInfo('device-42', 9).hashKey;
    record.detach();
    input.fill(0x21);
    expect(record.partitionKey).toBe('device-42');
    expect(record.hashKey).toBe(hashKey);
    expect(record.hashHigh).toBe(hashKeyHigh(hashKey));
    expect(record.partitionKeySlot).toBeUndefined();
    expect(Buffer.from(record.data).toString()).toBe('payload');
  });

  test('the shared entry is nobody’s table slot and cannot be kept', () => {
    decoded('a', 'b');
    expect(() => {
      FRESH_KEY.table = 1;
    }).toThrow(/cannot be a key table slot/);
    expect(() => FRESH_KEY.ownText()).toThrow(/cannot be kept/);
  });

  test('aggregates of fresh-key records carry every key and data, before and after detach', () => {
    const records = Array.from({ length: 50 }, (_, i) =>
      decoded(`key-${i % 40}-${'é'.repeat(i % 3)}`, `data-${i}`),
    );
    for (const detach of [false, true]) {
      const builder = new AggregatedRecordBuilder();
      for (const { record } of records) {
        if (detach) record.detach();
        builder.add(record);
      }
      const out = deaggregate({ data: builder.encode(), partitionKey: 'p' });
      expect(out.map((r) => [r.partitionKey, Buffer.from(r.data).toString()])).toEqual(
        records.map(({ record }, i) => [record.partitionKey, `data-${i}`]),
      );
    }
  });
});
