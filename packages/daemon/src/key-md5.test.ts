import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from '@jest/globals';
import { digestWord, KEY_MD5_MAX_BYTES, keyMd5 } from './key-md5.js';

function digestHex(): string {
  return [0, 1, 2, 3].map((i) => digestWord(i).toString(16).padStart(8, '0')).join('');
}

function expectSameAsCrypto(bytes: Buffer, pad = 3): void {
  // Surrounded by other bytes, as a key inside a frame is.
  const buf = Buffer.concat([randomBytes(pad), bytes, randomBytes(pad)]);
  expect(keyMd5(buf, pad, pad + bytes.length)).toBe(true);
  const want = createHash('md5').update(bytes).digest('hex');
  expect(digestHex()).toBe(want);
}

test("every length up to the longest partition key hashes as node:crypto's MD5 does", () => {
  for (let length = 0; length <= KEY_MD5_MAX_BYTES; length++) {
    expectSameAsCrypto(randomBytes(length), length % 7);
  }
});

test('lengths at the padding edges, all-zero and all-one bytes, multi-byte UTF-8', () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 767, 768]) {
    expectSameAsCrypto(Buffer.alloc(length, 0));
    expectSameAsCrypto(Buffer.alloc(length, 0xff));
    expectSameAsCrypto(randomBytes(length));
  }
  for (const key of ['', 'a', 'é🎉', '漢'.repeat(256), '😀'.repeat(128), 'x'.repeat(256)]) {
    expectSameAsCrypto(Buffer.from(key));
  }
  // A long input after a short one: no bytes of the earlier padding may leak into the next.
  expectSameAsCrypto(randomBytes(700));
  expectSameAsCrypto(Buffer.from('k'));
  expectSameAsCrypto(randomBytes(130));
});

test('many random keys of typical lengths', () => {
  for (let i = 0; i < 5000; i++) expectSameAsCrypto(randomBytes(i % 80), i % 5);
});

test('longer inputs are left to node:crypto, and the last digest is kept', () => {
  expectSameAsCrypto(Buffer.from('kept'));
  const before = digestHex();
  expect(keyMd5(Buffer.alloc(KEY_MD5_MAX_BYTES + 1), 0, KEY_MD5_MAX_BYTES + 1)).toBe(false);
  expect(digestHex()).toBe(before);
});
