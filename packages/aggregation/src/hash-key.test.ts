import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import {
  hashKeyOf,
  MAX_HASH_KEY,
  normalizeExplicitHashKey,
  parseExplicitHashKey,
} from './hash-key.js';
import { randomKey, seeded } from './record-set-fixtures.js';

describe('hashKeyOf', () => {
  test('matches the examples of the KPL spec', () => {
    expect(hashKeyOf('abcd')).toBe(301716283811389038011477436469853762335n);
    expect(hashKeyOf('pk1')).toBe(329398341438914906102347661116985167824n);
  });

  test('is the MD5 of the UTF-8 bytes read as a big-endian 128-bit integer', () => {
    const rand = seeded(3);
    const keys = [
      '',
      'a',
      '\u0000',
      'ünïcödé',
      '😀🚀',
      ...Array.from({ length: 500 }, () => randomKey(rand)),
    ];
    for (const key of keys) {
      const hex = createHash('md5').update(Buffer.from(key, 'utf8')).digest('hex');
      expect(hashKeyOf(key)).toBe(BigInt(`0x${hex}`));
    }
  });

  test('reaches the top half of the range (no signed reads)', () => {
    // MD5("a") starts with 0x0c, MD5("b") with 0x92: the high bit must come out unsigned.
    expect(hashKeyOf('b')).toBe(BigInt('0x92eb5ffee6ae2fec3ad71c777531578f'));
    expect(hashKeyOf('b') > MAX_HASH_KEY / 2n).toBe(true);
  });
});

describe('parseExplicitHashKey', () => {
  test('MAX_HASH_KEY is 2^128 - 1', () => {
    expect(MAX_HASH_KEY).toBe(340282366920938463463374607431768211455n);
  });

  test('accepts decimal digits from 0 to 2^128 - 1, leading zeros included', () => {
    expect(parseExplicitHashKey('0')).toBe(0n);
    expect(parseExplicitHashKey('007')).toBe(7n);
    expect(parseExplicitHashKey('123')).toBe(123n);
    expect(parseExplicitHashKey(MAX_HASH_KEY.toString())).toBe(MAX_HASH_KEY);
    expect(parseExplicitHashKey(`${'0'.repeat(60)}${MAX_HASH_KEY}`)).toBe(MAX_HASH_KEY);
    expect(parseExplicitHashKey('0'.repeat(100))).toBe(0n);
  });

  test('rejects anything else', () => {
    for (const bad of [
      '',
      '-1',
      '+1',
      ' 1',
      '1 ',
      '1.5',
      '1e3',
      '0x10',
      'abc',
      '١٢٣', // Arabic-Indic digits
      (MAX_HASH_KEY + 1n).toString(),
      '9'.repeat(40),
      `1${'0'.repeat(39)}`,
    ]) {
      expect(parseExplicitHashKey(bad)).toBeUndefined();
    }
  });

  test('normalizeExplicitHashKey renders the parsed number', () => {
    expect(normalizeExplicitHashKey('007')).toBe('7');
    expect(normalizeExplicitHashKey('000')).toBe('0');
    expect(normalizeExplicitHashKey('x')).toBeUndefined();
  });
});
