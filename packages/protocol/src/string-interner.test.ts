import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { StringInterner } from './string-interner.js';

function at(text: string | Buffer, pad = 3): [Buffer, number, number] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  // Surrounded by other bytes, as a field inside a frame is.
  const buf = Buffer.concat([randomBytes(pad), bytes, randomBytes(pad)]);
  return [buf, pad, pad + bytes.length];
}

describe('StringInterner', () => {
  it('decodes as utf8Slice does, invalid UTF-8 included', () => {
    const t = new StringInterner(undefined, 64);
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(i % 40);
      const [buf, s, e] = at(bytes);
      expect(t.get(buf, s, e).text).toBe(bytes.toString('utf8'));
    }
  });

  it('returns the same string object when the bytes come back, wherever they lie', () => {
    let made = 0;
    const t = new StringInterner((text, byteLength, bytes, start) => ({
      text: text ?? bytes.toString('utf8', start, start + byteLength),
      byteLength,
      serial: ++made,
    }));
    const first = t.get(...at('device-0042', 1));
    const again = t.get(...at('device-0042', 9));
    expect(again).toBe(first);
    expect(again).toEqual({ text: 'device-0042', byteLength: 11, serial: 1 });
    expect(t.size).toBe(1);
    expect(t.get(...at('device-0043')).serial).toBe(2);
    expect(t.get(...at('dévice-ü😀'))).toMatchObject({ text: 'dévice-ü😀', byteLength: 14 });
    expect(made).toBe(3);
    expect(t.size).toBe(3);
  });

  it('tells apart keys of equal length, prefixes and the empty string', () => {
    const t = new StringInterner(undefined, 1024);
    const keys = ['', 'a', 'b', 'ab', 'ba', 'abc', 'abd', 'abcd'];
    for (let round = 0; round < 3; round++) {
      for (const k of keys) expect(t.get(...at(k)).text).toBe(k);
    }
    expect(t.size).toBe(keys.length);
  });

  it('tells apart strings whose hashes and lengths collide, wherever their bytes differ', () => {
    // FNV-1a collisions among strings of one length, found by the birthday bound: the interner
    // keeps a string's first 16 bytes in its slot and the rest in its arena, so the differing
    // bytes are put in each part in turn.
    const fnv = (b: Buffer) => {
      let h = 0x811c9dc5 | 0;
      for (const x of b) h = Math.imul(h ^ x, 0x01000193);
      return h;
    };
    const collision = (make: (varying: Buffer) => Buffer): [Buffer, Buffer] => {
      const seen = new Map<number, Buffer>();
      for (;;) {
        const b = make(randomBytes(6));
        const other = seen.get(fnv(b));
        if (other !== undefined && !other.equals(b)) return [other, b];
        seen.set(fnv(b), b);
      }
    };
    const fixed = Buffer.from('0123456789abcdef');
    const pairs = [
      collision((v) => Buffer.concat([Buffer.from('key-'), v])), // short: inline only
      collision((v) => Buffer.concat([fixed, v])), // differ after the first 16 bytes
      collision((v) => Buffer.concat([v, fixed])), // differ within them, same tail
    ];
    const t = new StringInterner(undefined, 1024);
    for (const [a, b] of pairs) {
      expect(a.length).toBe(b.length);
      const ea = t.get(...at(a));
      const eb = t.get(...at(b));
      expect(eb).not.toBe(ea);
      expect(t.get(...at(a))).toBe(ea);
      expect(t.get(...at(b))).toBe(eb);
      expect(ea.text).toBe(a.toString('utf8'));
      expect(eb.text).toBe(b.toString('utf8'));
    }
    expect(t.size).toBe(6);
  });

  it('starts afresh when full and stays correct', () => {
    const t = new StringInterner(undefined, 16);
    const keys = Array.from({ length: 100 }, (_, i) => `key-${i}`);
    for (let round = 0; round < 5; round++) {
      for (const k of keys) expect(t.get(...at(k)).text).toBe(k);
    }
    expect(t.size).toBeLessThanOrEqual(16);
  });

  it('grows its byte store for long keys and decodes the longest without keeping them', () => {
    const t = new StringInterner(undefined, 64, 256);
    const long = Array.from({ length: 60 }, (_, i) => `${i}`.padEnd(250, 'x'));
    for (const k of long) expect(t.get(...at(k)).text).toBe(k);
    for (const k of long) expect(t.get(...at(k)).text).toBe(k);
    expect(t.size).toBe(60);
    const tooLong = 'y'.repeat(300); // over this interner's 256
    const plain = t.get(...at(tooLong));
    expect(plain.text).toBe(tooLong);
    expect(t.get(...at(tooLong))).not.toBe(plain);
    expect(t.size).toBe(60);
  });

  it('keeps the longest partition key Kinesis accepts by default (768 UTF-8 bytes)', () => {
    const t = new StringInterner();
    const longest = '漢'.repeat(256);
    expect(Buffer.byteLength(longest)).toBe(768);
    expect(t.get(...at(longest))).toBe(t.get(...at(longest, 5)));
    expect(t.size).toBe(1);
  });

  it('stops keeping strings that never recur, and keeps them again once they do', () => {
    let made = 0;
    const t = new StringInterner(
      (text, byteLength, bytes, start) => ({
        text: text ?? bytes.toString('utf8', start, start + byteLength),
        byteLength,
        serial: ++made,
      }),
      64,
    );
    let fresh = 0;
    // A table's worth of strings seen once each: interning bought nothing.
    for (let i = 0; i <= 64; i++)
      expect(t.get(...at(`fresh-${fresh++}`)).text).toBe(`fresh-${fresh - 1}`);
    expect(t.interning).toBe(false);
    // Not interning: a repeated string is decoded again, into a new entry, still correctly.
    const a = t.get(...at('device-7'));
    const b = t.get(...at('device-7'));
    expect([a.text, b.text]).toEqual(['device-7', 'device-7']);
    expect(b).not.toBe(a);
    // Ever-new strings keep it from interning, however long they go on.
    for (let i = 0; i < 100_000; i++) t.get(...at(`fresh-${fresh++}`));
    expect(t.interning).toBe(false);
    // A few recurring strings: the sampled ones hit, and it interns every string again.
    const pool = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    let i = 0;
    while (!t.interning && i < 200_000)
      expect(t.get(...at(pool[i++ % 8]!)).text).toBe(pool[(i - 1) % 8]);
    expect(t.interning).toBe(true);
    const first = t.get(...at('user-3'));
    expect(t.get(...at('user-3', 7))).toBe(first);
  });

  it('gives the text to the entries it keeps, and the bytes where they lie to those it does not', () => {
    const made: { text: string | undefined; where: string }[] = [];
    const t = new StringInterner(
      (text, byteLength, bytes, start) => {
        made.push({ text, where: bytes.toString('utf8', start, start + byteLength) });
        return { text: text ?? '', byteLength };
      },
      64,
      8,
    );
    t.get(...at('kept-1'));
    // Longer than maxBytes: handed out, not kept.
    t.get(...at('longer-than-8'));
    expect(made).toEqual([
      { text: 'kept-1', where: 'kept-1' },
      { text: undefined, where: 'longer-than-8' },
    ]);
  });

  it('keeps interning strings that recur, however many lookups', () => {
    const t = new StringInterner(undefined, 64);
    const pool = Array.from({ length: 48 }, (_, i) => `key-${i}`);
    for (let i = 0; i < 50_000; i++) t.get(...at(pool[i % 48]!));
    expect(t.interning).toBe(true);
    expect(t.get(...at('key-5'))).toBe(t.get(...at('key-5', 1)));
  });
});
