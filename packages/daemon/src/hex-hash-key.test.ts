import { expect, test } from '@jest/globals';
import { hashKeyOf } from '@kinesis-producer/aggregation';
import {
  hashKeyFromDecimal,
  hashKeyHigh,
  hashKeyToDecimal,
  newPartitionKeyInfo,
} from './hex-hash-key.js';

test('hex hash keys order like the numbers they stand for, and convert both ways', () => {
  const values = [0n, 1n, 15n, 16n, 2n ** 64n, 2n ** 127n, 2n ** 128n - 1n];
  const keys = values.map(hashKeyFromDecimal);
  expect(keys.every((k) => k.length === 32)).toBe(true);
  expect([...keys].sort()).toEqual(keys);
  expect(keys.map(hashKeyToDecimal)).toEqual(values.map(String));
});

test("a partition key's entry: its MD5 as the hash key, its prefix, its length, its checks", () => {
  for (const pk of ['abcd', 'é🎉', 'x'.repeat(256)]) {
    const info = newPartitionKeyInfo(pk, Buffer.byteLength(pk));
    expect(hashKeyToDecimal(info.hashKey)).toBe(hashKeyOf(pk).toString());
    expect(info.hashHigh).toBe(hashKeyHigh(info.hashKey));
    expect(info.byteLength).toBe(Buffer.byteLength(pk));
    expect(info.problem).toBeUndefined();
  }
  expect(hashKeyToDecimal(newPartitionKeyInfo('abcd', 4).hashKey)).toBe(
    '301716283811389038011477436469853762335',
  );
  // UTF-16 code units, as Kinesis counts them: 128 emoji are 256 units, 129 are too many.
  expect(newPartitionKeyInfo('😀'.repeat(128), 512).problem).toBeUndefined();
  expect(newPartitionKeyInfo('😀'.repeat(129), 516).problem).toMatch(
    /1 to 256 UTF-16 code units, got 258/,
  );
  expect(newPartitionKeyInfo('', 0).problem).toMatch(/got 0/);
  expect(newPartitionKeyInfo('x'.repeat(257), 257).problem).toMatch(/got 257/);
});

test("a key's entry is the same whether its bytes are hashed where they lie or its text by node:crypto", () => {
  for (const pk of ['abcd', 'é🎉', 'x'.repeat(256), '漢'.repeat(256), 'device-0042', '']) {
    const bytes = Buffer.concat([Buffer.from('zz'), Buffer.from(pk), Buffer.from('y')]);
    const fromBytes = newPartitionKeyInfo(pk, Buffer.byteLength(pk), bytes, 2);
    const fromText = newPartitionKeyInfo(pk, Buffer.byteLength(pk));
    // The high first: from bytes, the hash key's text is made only when asked for.
    expect(fromBytes.hashHigh).toBe(fromText.hashHigh);
    expect(hashKeyToDecimal(fromBytes.hashKey)).toBe(hashKeyOf(pk).toString());
    for (const field of ['text', 'byteLength', 'hashKey', 'hashHigh', 'problem'] as const) {
      expect(fromBytes[field]).toBe(fromText[field]);
    }
    expect(fromBytes.hashKey).toBe(fromBytes.hashKey);
  }
});

test('hash keys made from the digest keep every leading zero', () => {
  // Keys whose MD5 starts with zero bits in each word: found by search, checked against crypto.
  let found = 0;
  for (let i = 0; found < 20 && i < 200_000; i++) {
    const pk = `k${i}`;
    const info = newPartitionKeyInfo(pk, pk.length, Buffer.from(pk), 0);
    if (!/^0|^.{8}0|^.{16}0|^.{24}0/.test(info.hashKey)) continue;
    found++;
    expect(info.hashKey).toHaveLength(32);
    expect(hashKeyToDecimal(info.hashKey)).toBe(hashKeyOf(pk).toString());
  }
  expect(found).toBe(20);
});

test('an entry made from the input has its text, hash and length, whatever becomes of the input', () => {
  for (const pk of ['abcd', 'é🎉', '😀'.repeat(129), '', 'device-0042']) {
    const input = Buffer.concat([Buffer.from('zz'), Buffer.from(pk), Buffer.from('y')]);
    const lazy = newPartitionKeyInfo(undefined, Buffer.byteLength(pk), input, 2);
    const eager = newPartitionKeyInfo(pk, Buffer.byteLength(pk));
    expect([lazy.hashKey, lazy.byteLength, lazy.problem]).toEqual([
      eager.hashKey,
      eager.byteLength,
      eager.problem,
    ]);
    // Its hash key made for the first time once it owns its text (it keeps none of the digest).
    const late = newPartitionKeyInfo(undefined, Buffer.byteLength(pk), input, 2);
    lazy.ownText();
    late.ownText();
    // The input is let go (here: overwritten): the entry no longer reads it.
    input.fill(0x21);
    expect(lazy.text).toBe(pk);
    expect([late.text, late.hashKey, late.hashHigh]).toEqual([pk, eager.hashKey, eager.hashHigh]);
  }
});
