import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { decodeGsrRecord, encodeGsrRecord, gsrHeader, isGsrRecord } from './gsr.js';

const VERSION_ID = 'b7b4a7f0-9c96-4e4a-a687-fb5de9ef0c63';

// The Avro binary encoding of {"name": "x", "n": 1} under
// {"type":"record","name":"T","fields":[{"name":"name","type":"string"},{"name":"n","type":"int"}]}:
// a string is its zig-zag varint length then its UTF-8 bytes (1 → 02, "x" → 78), an int is its
// zig-zag varint (1 → 02).
const AVRO = Buffer.from([0x02, 0x78, 0x02]);

// Version 3, compression 0, the UUID's 16 bytes in the order its text shows them, the payload.
const GOLDEN_PLAIN = Buffer.from(`0300${'b7b4a7f09c964e4aa687fb5de9ef0c63'}027802`, 'hex');

// Compression 5: the payload as a zlib stream (RFC 1950/1951), worked out by hand:
//   78 9c           CMF (deflate, 32 KiB window) and FLG (default level; 0x789c % 31 == 0)
//   63 aa 60 02 00  one final block with fixed Huffman codes: BFINAL 1, BTYPE 01, the literals
//                   02, 78, 02 (8-bit codes 0x30 + byte: 0x32, 0xa8, 0x32) and end-of-block
//                   (7 zero bits), packed least significant bit first
//   00 fb 00 7d     Adler-32: a = 1 + 2 + 120 + 2 = 125 (0x7d), b = 3 + 123 + 125 = 251 (0xfb)
const GOLDEN_ZLIB = Buffer.from(
  `0305${'b7b4a7f09c964e4aa687fb5de9ef0c63'}${'789c'}${'63aa600200'}${'00fb007d'}`,
  'hex',
);

describe('GSR record format', () => {
  test('an Avro record without compression encodes to the hand-made bytes', () => {
    expect(encodeGsrRecord(VERSION_ID, AVRO).toString('hex')).toBe(GOLDEN_PLAIN.toString('hex'));
    expect(encodeGsrRecord(VERSION_ID.toUpperCase(), AVRO, 'none')).toEqual(GOLDEN_PLAIN);
  });

  test('with zlib compression the payload is a zlib stream, as Java’s Deflater writes it', () => {
    expect(encodeGsrRecord(VERSION_ID, AVRO, 'zlib').toString('hex')).toBe(
      GOLDEN_ZLIB.toString('hex'),
    );
  });

  test('the golden bytes decode to the schema version and the Avro bytes', () => {
    expect(decodeGsrRecord(GOLDEN_PLAIN)).toEqual({
      schemaVersionId: VERSION_ID,
      compression: 'none',
      data: AVRO,
    });
    expect(decodeGsrRecord(GOLDEN_ZLIB)).toEqual({
      schemaVersionId: VERSION_ID,
      compression: 'zlib',
      data: AVRO,
    });
  });

  test('round trip of random payloads, empty and large, both compressions', () => {
    for (const size of [0, 1, 100, 70_000]) {
      const data = randomBytes(size);
      for (const compression of ['none', 'zlib'] as const) {
        const id = '00000000-0000-4000-8000-0000000000ff';
        const decoded = decodeGsrRecord(encodeGsrRecord(id, data, compression));
        expect(decoded.schemaVersionId).toBe(id);
        expect(decoded.compression).toBe(compression);
        expect(decoded.data.equals(data)).toBe(true);
      }
    }
  });

  test('an uncompressed payload is a view of the input, even inside a larger buffer', () => {
    const outer = Buffer.concat([Buffer.from('xyz'), GOLDEN_PLAIN]);
    const inner = outer.subarray(3);
    const { data } = decodeGsrRecord(new Uint8Array(inner.buffer, inner.byteOffset, inner.length));
    expect(data).toEqual(AVRO);
    expect(data.buffer).toBe(outer.buffer);
  });

  test('isGsrRecord follows the deserializer: length, version byte, compression byte', () => {
    expect(isGsrRecord(GOLDEN_PLAIN)).toBe(true);
    expect(isGsrRecord(GOLDEN_ZLIB)).toBe(true);
    expect(isGsrRecord(gsrHeader(VERSION_ID, 'none'))).toBe(true);
    expect(isGsrRecord(GOLDEN_PLAIN.subarray(0, 17))).toBe(false);
    expect(isGsrRecord(Buffer.from([2, ...GOLDEN_PLAIN.subarray(1)]))).toBe(false);
    expect(isGsrRecord(Buffer.from([3, 1, ...GOLDEN_PLAIN.subarray(2)]))).toBe(false);
    expect(isGsrRecord(Buffer.from('{"a":"plain JSON record"}'))).toBe(false);
  });

  test('decoding something else says what is wrong', () => {
    expect(() => decodeGsrRecord(Buffer.alloc(5))).toThrow(/5 bytes, fewer than the 18-byte/);
    expect(() => decodeGsrRecord(Buffer.alloc(20, 1))).toThrow(/version byte is 1, not 3/);
    expect(() => decodeGsrRecord(Buffer.from([3, 7, ...Buffer.alloc(16)]))).toThrow(
      /compression byte is 7/,
    );
    const corrupt = Buffer.from(GOLDEN_ZLIB);
    corrupt[corrupt.length - 1]! ^= 0xff;
    expect(() => decodeGsrRecord(corrupt)).toThrow(/corrupt zlib payload/);
  });

  test('a schema version id that is not a UUID is refused', () => {
    expect(() => gsrHeader('not-a-uuid', 'none')).toThrow(/Not a schema version UUID/);
    expect(() => encodeGsrRecord(`${VERSION_ID}0`, AVRO)).toThrow(/Not a schema version UUID/);
  });
});
