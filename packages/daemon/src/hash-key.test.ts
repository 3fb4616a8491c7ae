import { expect, test } from '@jest/globals';
import { hashKeyOf } from '@kinesis-producer/aggregation';
import { hashKeyFromDecimal, hashKeyOfPartitionKey, hashKeyToDecimal } from './hash-key.js';

test('hex hash keys order like the numbers they stand for, and convert both ways', () => {
  const values = [0n, 1n, 15n, 16n, 2n ** 64n, 2n ** 127n, 2n ** 128n - 1n];
  const keys = values.map(hashKeyFromDecimal);
  expect(keys.every((k) => k.length === 32)).toBe(true);
  expect([...keys].sort()).toEqual(keys);
  expect(keys.map(hashKeyToDecimal)).toEqual(values.map(String));
});

test('a partition key hashes to its MD5, cached or not', () => {
  for (const pk of ['abcd', 'é🎉', 'x'.repeat(256)]) {
    const expected = hashKeyOf(pk).toString();
    expect(hashKeyToDecimal(hashKeyOfPartitionKey(pk))).toBe(expected);
    expect(hashKeyToDecimal(hashKeyOfPartitionKey(pk))).toBe(expected);
  }
  expect(hashKeyToDecimal(hashKeyOfPartitionKey('abcd'))).toBe(
    '301716283811389038011477436469853762335',
  );
});
