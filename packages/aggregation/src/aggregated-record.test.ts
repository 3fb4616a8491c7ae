import { describe, expect, test } from '@jest/globals';
import {
  type AggregatableRecord,
  AggregatedRecordBuilder,
  aggregate,
} from './aggregated-record.js';
import { deaggregate } from './deaggregate.js';
import {
  int,
  randomData,
  randomKey,
  randomRecordSet,
  referenceEncoding,
  referenceProtobuf,
  seeded,
} from './record-set-fixtures.js';

function build(
  records: readonly AggregatableRecord[],
): AggregatedRecordBuilder<AggregatableRecord> {
  const builder = new AggregatedRecordBuilder<AggregatableRecord>();
  for (const r of records) builder.add(r);
  return builder;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The KPL's size estimate (this package's README), computed from scratch. */
function formulaEstimate(records: readonly AggregatableRecord[]): number {
  if (records.length === 0) return 0;
  if (records.length === 1) return records[0].data.length;
  let size = 0;
  for (const r of records) {
    size += r.data.length + 3 + 2 + (r.explicitHashKey === undefined ? 0 : 2);
  }
  for (const k of new Set(records.map((r) => r.partitionKey))) size += utf8(k) + 3;
  const hashKeys = records.flatMap((r) =>
    r.explicitHashKey === undefined ? [] : [r.explicitHashKey],
  );
  for (const k of new Set(hashKeys)) size += utf8(k) + 3;
  return size;
}

function expectMatchesReference(records: readonly AggregatableRecord[], context: string): void {
  const builder = build(records);
  if (records.length === 0) {
    expect(builder.accurateSize()).toBe(0);
    expect(builder.estimatedSize()).toBe(0);
    return;
  }
  const encoded = builder.encode();
  const expected = referenceEncoding(records);
  if (!encoded.equals(expected)) {
    throw new Error(`${context}: encode() differs from protobuf-es (${records.length} records)`);
  }
  expect(builder.accurateSize()).toBe(encoded.length);
  expect(builder.estimatedSize()).toBe(formulaEstimate(records));
}

const rec = (partitionKey: string, data: string | Buffer, explicitHashKey?: string) => {
  const r: AggregatableRecord = {
    partitionKey,
    data: typeof data === 'string' ? Buffer.from(data) : data,
  };
  if (explicitHashKey !== undefined) r.explicitHashKey = explicitHashKey;
  return r;
};

describe('KPL worked example: (pk1, hello), (pk2, world), (pk1, !)', () => {
  const records = [rec('pk1', 'hello'), rec('pk2', 'world'), rec('pk1', '!')];
  const golden =
    'f3899ac20a03706b310a03706b321a0908001a0568656c6c6f1a0908011a05776f726c641a0508001a0121' +
    '13441f9267225980303271d133978ab4';

  test('encodes to the exact bytes', () => {
    expect(build(records).encode().toString('hex')).toBe(golden);
    expect(aggregate(records).toString('hex')).toBe(golden);
  });

  test('accurate size 59, estimated size 38', () => {
    const builder = build(records);
    expect(builder.accurateSize()).toBe(59);
    expect(builder.estimatedSize()).toBe(38);
  });

  test('protobuf-es produces the same protobuf (the reference used below is sound)', () => {
    expect(Buffer.from(referenceProtobuf(records)).toString('hex')).toBe(golden.slice(8, -32));
  });
});

describe('empty and single records', () => {
  test('an empty builder has size 0 and refuses to encode or remove', () => {
    const builder = new AggregatedRecordBuilder();
    expect(builder.count).toBe(0);
    expect(builder.accurateSize()).toBe(0);
    expect(builder.estimatedSize()).toBe(0);
    expect(() => builder.encode()).toThrow(RangeError);
    expect(() => builder.removeLast()).toThrow(RangeError);
    expect(() => aggregate([])).toThrow(RangeError);
  });

  test('one record encodes to its data unchanged, without magic or MD5', () => {
    for (const r of [rec('k', 'payload'), rec('k', 'payload', '12345'), rec('€', '')]) {
      const builder = build([r]);
      expect(builder.encode().equals(Buffer.from(r.data))).toBe(true);
      expect(builder.accurateSize()).toBe(r.data.length);
      expect(builder.estimatedSize()).toBe(r.data.length);
    }
  });

  test('one record given as a plain Uint8Array view comes back as those bytes', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const encoded = build([{ partitionKey: 'k', data: backing.subarray(2, 5) }]).encode();
    expect(Buffer.isBuffer(encoded)).toBe(true);
    expect([...encoded]).toEqual([1, 2, 3]);
  });

  test('aggregated records from plain Uint8Array data match Buffer data', () => {
    const backing = new Uint8Array(300).map((_, i) => i & 0xff);
    const views = [rec('a', ''), rec('b', '')].map((r, i) => ({
      ...r,
      data: backing.subarray(i * 100, i * 100 + 150),
    }));
    expect(build(views).encode().equals(referenceEncoding(views))).toBe(true);
  });
});

describe('randomized agreement with protobuf-es', () => {
  test('encode() equals protobuf-es + magic + MD5, its length is accurateSize(), the estimate is the KPL formula', () => {
    const seed = 0x5eed01;
    const rand = seeded(seed);
    for (let i = 0; i < 3000; i++) {
      expectMatchesReference(randomRecordSet(rand), `seed ${seed} set ${i}`);
    }
  });

  test('the estimate is within 1 % or 32 bytes of the encoded length on KPL-shaped sets', () => {
    // The KPL's own EstimatedSize recipe: unique keys, one repeated key, then tiny records.
    const rand = seeded(42);
    for (let round = 0; round < 5; round++) {
      const n = int(rand, 1, 60);
      const records: AggregatableRecord[] = [];
      const hashKey = () => (rand() < 0.5 ? undefined : '123');
      for (let j = 0; j < n; j++) {
        records.push(
          rec('a'.repeat(int(rand, 1, 256)), Buffer.alloc(int(rand, 1, 64 * 1024)), hashKey()),
        );
      }
      const repeated = 'a'.repeat(int(rand, 1, 256));
      for (let j = 0; j < n; j++) {
        records.push(rec(repeated, Buffer.alloc(int(rand, 1, 64 * 1024)), hashKey()));
      }
      for (let j = 0; j < n; j++) records.push(rec('aa', 'aa', hashKey()));
      const builder = build(records);
      const actual = builder.encode().length;
      const diff = actual - builder.estimatedSize();
      expect(Math.abs(diff) / actual < 0.01 || diff < 32).toBe(true);
    }
  });
});

describe('removeLast', () => {
  test('random add/removeLast sequences leave sizes and bytes as building from scratch', () => {
    const seed = 0x5eed02;
    const rand = seeded(seed);
    for (let run = 0; run < 150; run++) {
      const pool = randomRecordSet(rand, { maxCount: 60, largeData: false });
      if (pool.length === 0) continue;
      const builder = new AggregatedRecordBuilder<AggregatableRecord>();
      const expected: AggregatableRecord[] = [];
      for (let step = 0; step < 80; step++) {
        if (expected.length > 0 && rand() < 0.4) {
          const removed = builder.removeLast();
          expect(removed).toBe(expected.pop());
        } else {
          const r = pool[int(rand, 0, pool.length - 1)];
          builder.add(r);
          expected.push(r);
        }
        const fresh = build(expected);
        const where = `seed ${seed} run ${run} step ${step}`;
        if (
          builder.count !== expected.length ||
          builder.records.some((r, k) => r !== expected[k]) ||
          builder.accurateSize() !== fresh.accurateSize() ||
          builder.estimatedSize() !== fresh.estimatedSize() ||
          (expected.length > 0 && !builder.encode().equals(fresh.encode()))
        ) {
          throw new Error(`${where}: builder differs from one built from scratch`);
        }
      }
      if (expected.length > 0) {
        expect(builder.encode().equals(referenceEncoding(expected))).toBe(true);
      }
      while (builder.count > 0) builder.removeLast();
      expect(builder.accurateSize()).toBe(0);
      expect(builder.estimatedSize()).toBe(0);
    }
  });

  test('removing the only user of a key drops it from the table; shared keys stay', () => {
    const builder = build([rec('a', 'x', '1'), rec('b', 'y', '2'), rec('a', 'z', '2')]);
    builder.removeLast(); // 'a' and '2' still used by earlier records
    builder.removeLast(); // 'b' and '2' now unused
    builder.add(rec('c', 'w', '3'));
    const expected = [rec('a', 'x', '1'), rec('c', 'w', '3')];
    expect(builder.encode().equals(referenceEncoding(expected))).toBe(true);
  });
});

describe('boundaries', () => {
  const LIMIT = 51200;

  test('records can fill an aggregated record to exactly 51200 bytes, and one more goes over', () => {
    const rand = seeded(7);
    const base = Array.from({ length: 20 }, () =>
      rec(randomKey(rand, 30), randomData(rand, false)),
    );
    const partial = build(base).accurateSize();
    let found: AggregatableRecord | undefined;
    // Each extra data byte adds one byte, except where a varint grows; search downward.
    for (let length = LIMIT - partial; length > 0 && !found; length--) {
      const candidate = rec('last-key', Buffer.alloc(length, 0x61));
      if (build([...base, candidate]).accurateSize() === LIMIT) found = candidate;
    }
    expect(found).toBeDefined();
    const builder = build([...base, found!]);
    expect(builder.accurateSize()).toBe(LIMIT);
    expect(builder.encode().length).toBe(LIMIT);
    expect(builder.encode().equals(referenceEncoding([...base, found!]))).toBe(true);

    builder.add(rec('x', ''));
    expect(builder.accurateSize()).toBeGreaterThan(LIMIT);
    builder.removeLast();
    expect(builder.accurateSize()).toBe(LIMIT);
  });

  test('a single record over the limit is its own data length, encoded unchanged', () => {
    const big = rec('k', Buffer.alloc(LIMIT + 1000, 7));
    const builder = build([big]);
    expect(builder.accurateSize()).toBe(LIMIT + 1000);
    expect(builder.estimatedSize()).toBe(LIMIT + 1000);
    expect(builder.encode().length).toBe(LIMIT + 1000);
  });

  test('data lengths around varint boundaries (127/128, 16383/16384, 2097151/2097152)', () => {
    const lengths = [0, 1, 121, 122, 123, 124, 125, 126, 127, 128, 129, 16377, 16378, 16383, 16384];
    for (const length of lengths) {
      expectMatchesReference(
        [rec('a', Buffer.alloc(length, 1)), rec('b', Buffer.alloc(length, 2), '9')],
        `data length ${length}`,
      );
    }
    expectMatchesReference(
      [rec('a', Buffer.alloc(2097151, 3)), rec('a', Buffer.alloc(2097152, 4))],
      'data length 2^21',
    );
  });

  test('key lengths around 127/128 bytes, ASCII and multi-byte', () => {
    for (const key of [
      'k'.repeat(127),
      'k'.repeat(128),
      '€'.repeat(42), // 126 bytes
      '€'.repeat(43), // 129 bytes from 43 UTF-16 units
      '😀'.repeat(32), // 128 bytes
      `${'k'.repeat(126)}é`, // 128 bytes, 127 units
    ]) {
      expectMatchesReference([rec(key, 'x', key.length.toString()), rec('z', 'y')], key);
    }
  });

  test('keys around 64 bytes, where ASCII keys stop being written byte by byte', () => {
    for (const key of ['', 'k', 'k'.repeat(16), 'k'.repeat(63), 'k'.repeat(64), 'k'.repeat(65)]) {
      const records = [rec(key, 'x'), rec(`${key}é`, 'y'), rec(`é${key}`.slice(0, 64), 'z')];
      expectMatchesReference(records, `key of ${key.length} units`);
    }
  });

  test('table indices 127 and 128 and beyond, in both tables', () => {
    const records: AggregatableRecord[] = [];
    for (let i = 0; i < 300; i++) records.push(rec(`pk-${i}`, `d${i}`, `${i}`));
    records.push(rec('pk-127', 'again', '128'), rec('pk-128', 'again', '127'));
    for (const n of [127, 128, 129, 130, 200, records.length]) {
      expectMatchesReference(records.slice(0, n), `${n} records with distinct keys`);
    }
    const builder = build(records.slice(0, 130));
    while (builder.count > 127) builder.removeLast();
    expect(builder.encode().equals(referenceEncoding(records.slice(0, 127)))).toBe(true);
  });

  test('a lone surrogate in a key is sized as the 3 bytes it encodes to', () => {
    const records = [rec('a\ud800b', 'x'), rec('\udfff', 'y')];
    const builder = build(records);
    expect(builder.encode().length).toBe(builder.accurateSize());
    expect(builder.encode().equals(referenceEncoding(records))).toBe(true);
  });
});

describe('key slots', () => {
  test('records that carry a shared slot per key build the same bytes as plain records', () => {
    const rand = seeded(0x5107);
    for (let round = 0; round < 300; round++) {
      const records = randomRecordSet(rand);
      const slots = new Map<string, { table: number; index: number }>();
      const slotted = records.map((r) => {
        let slot = slots.get(r.partitionKey);
        if (!slot) slots.set(r.partitionKey, (slot = { table: 0, index: 0 }));
        return { ...r, partitionKeySlot: slot };
      });
      const plain = new AggregatedRecordBuilder();
      const withSlots = new AggregatedRecordBuilder();
      for (const r of records) plain.add(r);
      for (const r of slotted) withSlots.add(r);
      // Undo and redo the tail: slots must forget keys whose last use was removed.
      const undo = Math.floor(rand() * records.length);
      for (let i = 0; i < undo; i++) {
        plain.removeLast();
        withSlots.removeLast();
      }
      for (let i = records.length - undo; i < records.length; i++) {
        plain.add(records[i]!);
        withSlots.add(slotted[i]!);
      }
      expect(withSlots.accurateSize()).toBe(plain.accurateSize());
      expect(withSlots.estimatedSize()).toBe(plain.estimatedSize());
      if (records.length > 0) expect(withSlots.encode().equals(plain.encode())).toBe(true);
    }
  });

  test('slots with fingerprints build the same bytes, however often fingerprints collide', () => {
    const rand = seeded(0xf1a9);
    for (let round = 0; round < 200; round++) {
      const records = randomRecordSet(rand);
      if (records.length === 0) continue;
      // A fresh slot per record (as when keys are not interned), and a fingerprint that many
      // different keys share (their length): equal keys in a row still share one table entry.
      const slotted = records.map((r) => ({
        ...r,
        partitionKeySlot: { table: 0, index: 0, fingerprint: r.partitionKey.length % 3 },
      }));
      const plain = records.map((r) => ({
        ...r,
        partitionKeySlot: { table: 0, index: 0 },
      }));
      expect(build(slotted).encode().equals(build(plain).encode())).toBe(true);
    }
  });

  test('records that write their own key bytes build the same bytes as plain records', () => {
    const rand = seeded(0x3b17);
    for (let round = 0; round < 200; round++) {
      const records = randomRecordSet(rand);
      // Half write their key themselves, half decline (the table then writes the string).
      const writing = records.map((r, i) => ({
        ...r,
        writePartitionKey(target: Buffer, at: number, length: number): boolean {
          if (i % 2 === 1) return false;
          expect(Buffer.from(r.partitionKey).copy(target, at)).toBe(length);
          return true;
        },
      }));
      const plain = build(records);
      const own = build(writing);
      const undo = Math.floor(rand() * records.length);
      for (let i = 0; i < undo; i++) {
        plain.removeLast();
        own.removeLast();
      }
      for (let i = records.length - undo; i < records.length; i++) {
        plain.add(records[i]!);
        own.add(writing[i]!);
      }
      if (records.length > 0) expect(own.encode().equals(plain.encode())).toBe(true);
    }
  });

  test('equal keys in a row under different slots take one table entry, undone exactly', () => {
    const records = ['a', 'a', 'a', 'b', 'b', 'a'].map((k, i) => ({
      ...rec(k, `d${i}`),
      partitionKeySlot: { table: 0, index: 0 },
    }));
    const plain = records.map((r) => rec(r.partitionKey, Buffer.from(r.data)));
    const builder = build(records);
    // Only a run is seen: the last 'a' follows a 'b', so it gets a second entry (3 more bytes:
    // tag, length, 'a'), and the records still read back as they went in.
    expect(builder.accurateSize()).toBe(build(plain).accurateSize() + 3);
    const back = deaggregate({ partitionKey: 'a', data: builder.encode() });
    expect(back.map((r) => [r.partitionKey, Buffer.from(r.data).toString()])).toEqual(
      plain.map((r) => [r.partitionKey, Buffer.from(r.data).toString()]),
    );
    for (let n = records.length - 1; n >= 1; n--) {
      builder.removeLast();
      const expected = build(plain.slice(0, n));
      expect(builder.accurateSize()).toBe(expected.accurateSize());
      expect(builder.encode().equals(expected.encode())).toBe(true);
    }
  });
});

describe('the list of records, presized after the last aggregate', () => {
  const many = (n: number, tag: string): AggregatableRecord[] =>
    Array.from({ length: n }, (_, i) => rec(`${tag}-${i % 37}`, `${tag}${i}`));

  test('holds exactly the records added, however they compare with the last aggregate', () => {
    // Each aggregate is presized after the one before: smaller, larger, past the largest presize.
    for (const n of [700, 300, 17, 16, 900, 5000, 40]) {
      const records = many(n, `n${n}`);
      const builder = build(records);
      expect(builder.count).toBe(n);
      expect(builder.records).toEqual(records);
      expect(builder.records.length).toBe(n);
      expect(builder.encode().equals(referenceEncoding(records))).toBe(true);
    }
  });

  test('removeLast inside the presized part, adds after the list was read', () => {
    build(many(600, 'big')).records; // the last aggregate: 600 records
    const records = many(60, 'r');
    const builder = build(records.slice(0, 40));
    for (let i = 0; i < 15; i++) expect(builder.removeLast()).toBe(records[39 - i]);
    expect(builder.first).toBe(records[0]);
    expect(builder.records).toEqual(records.slice(0, 25));
    for (const r of records.slice(25, 50)) builder.add(r);
    expect(builder.removeLast()).toBe(records[49]);
    expect(builder.count).toBe(49);
    expect(builder.records).toEqual(records.slice(0, 49));
    expect(builder.encode().equals(referenceEncoding(records.slice(0, 49)))).toBe(true);
    while (builder.count > 0) builder.removeLast();
    expect(builder.records).toEqual([]);
    expect(builder.first).toBeUndefined();
  });
});
