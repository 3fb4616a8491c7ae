// Shared by this package's tests only: a seeded generator of user-record sets and an independent
// reference encoding built with protobuf-es.
import { createHash } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { AggregatedRecordSchema, RecordSchema } from '../../protocol/src/gen/messages_pb.js';
import type { AggregatableRecord } from './aggregated-record.js';
import { MAX_HASH_KEY } from './hash-key.js';

export { type Random, seeded } from '../../../test/support/seeded.js';

import type { Random } from '../../../test/support/seeded.js';
import { seeded } from '../../../test/support/seeded.js';

export const int = (rand: Random, min: number, max: number): number =>
  min + Math.floor(rand() * (max - min + 1));

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

// One, two, three and four UTF-8 bytes per character (the last as surrogate pairs).
const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/',
  'éèüßñçøåÆÐ',
  '中文字符日本語한국어€',
  '😀🚀🎉👍🏽🧪',
];

export function randomKey(rand: Random, maxChars = 40): string {
  const chars = rand() < 0.1 ? int(rand, 100, 256) : int(rand, 1, maxChars);
  const mixed = rand() < 0.3;
  const alphabet = mixed ? ALPHABETS.join('') : pick(rand, ALPHABETS);
  const units = Array.from(alphabet); // code points, so emoji stay whole
  let s = '';
  for (let i = 0; i < chars; i++) s += pick(rand, units);
  return s;
}

export function randomHashKey(rand: Random): string {
  if (rand() < 0.2) return String(int(rand, 0, 1000));
  let n = 0n;
  for (let i = 0; i < 4; i++) n = (n << 32n) | BigInt(int(rand, 0, 0xffffffff));
  return (n % (MAX_HASH_KEY + 1n)).toString();
}

// Random bytes to cut data from: generating each byte with the PRNG dominated the test time.
const NOISE = (() => {
  const rand = seeded(0xda7a);
  const noise = Buffer.allocUnsafe(80000);
  for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE(int(rand, 0, 0xffffffff), i);
  return noise;
})();

const BOUNDARY_LENGTHS = [0, 1, 126, 127, 128, 129, 16382, 16383, 16384, 16385];

export function randomData(rand: Random, largeData = true): Buffer {
  const r = rand();
  let length: number;
  if (r < 0.15) length = 0;
  else if (r < 0.55) length = int(rand, 1, 20);
  else if (r < 0.85) length = int(rand, 21, 300);
  else if (r < 0.95 || !largeData) length = int(rand, 301, 3000);
  else if (r < 0.98) length = pick(rand, BOUNDARY_LENGTHS);
  else length = int(rand, 3001, 70000);
  const start = int(rand, 0, NOISE.length - length);
  return Buffer.from(NOISE.subarray(start, start + length));
}

export interface RecordSetOptions {
  maxCount?: number;
  largeData?: boolean;
}

/**
 * A random record set: sometimes empty or single, keys unique, drawn from a small pool or both,
 * explicit hash keys on none, all or some records.
 */
export function randomRecordSet(
  rand: Random,
  options: RecordSetOptions = {},
): AggregatableRecord[] {
  const { maxCount = 300, largeData = true } = options;
  const c = rand();
  const count =
    c < 0.03
      ? 0
      : c < 0.1
        ? 1
        : c < 0.4
          ? int(rand, 2, 5)
          : c < 0.85
            ? int(rand, 6, Math.min(50, maxCount))
            : int(rand, 2, maxCount);
  const keyPool = Array.from({ length: int(rand, 1, 5) }, () => randomKey(rand));
  const hashKeyPool = Array.from({ length: int(rand, 1, 4) }, () => randomHashKey(rand));
  const keyMode = pick(rand, ['unique', 'pool', 'mixed'] as const);
  const hashKeyMode = pick(rand, ['none', 'all', 'some', 'unique'] as const);
  const records: AggregatableRecord[] = [];
  for (let i = 0; i < count; i++) {
    const fromPool = keyMode === 'pool' || (keyMode === 'mixed' && rand() < 0.5);
    const record: AggregatableRecord = {
      partitionKey: fromPool ? pick(rand, keyPool) : randomKey(rand),
      data: randomData(rand, largeData),
    };
    if (hashKeyMode === 'all' || (hashKeyMode === 'some' && rand() < 0.5)) {
      record.explicitHashKey = pick(rand, hashKeyPool);
    } else if (hashKeyMode === 'unique') {
      record.explicitHashKey = randomHashKey(rand);
    }
    records.push(record);
  }
  return records;
}

/** The AggregatedRecord protobuf for the records, built by protobuf-es. */
export function referenceProtobuf(records: readonly AggregatableRecord[]): Uint8Array {
  const partitionKeys = new Map<string, number>();
  const hashKeys = new Map<string, number>();
  const indexIn = (table: Map<string, number>, key: string): number => {
    let index = table.get(key);
    if (index === undefined) table.set(key, (index = table.size));
    return index;
  };
  const message = create(AggregatedRecordSchema, {
    records: records.map((r) =>
      create(RecordSchema, {
        partitionKeyIndex: BigInt(indexIn(partitionKeys, r.partitionKey)),
        ...(r.explicitHashKey === undefined
          ? {}
          : { explicitHashKeyIndex: BigInt(indexIn(hashKeys, r.explicitHashKey)) }),
        data: r.data,
      }),
    ),
  });
  message.partitionKeyTable = [...partitionKeys.keys()];
  message.explicitHashKeyTable = [...hashKeys.keys()];
  return toBinary(AggregatedRecordSchema, message);
}

/** Magic + protobuf + MD5, assembled without any of the code under test. */
export function wrapAggregate(protobuf: Uint8Array): Buffer {
  const digest = createHash('md5').update(protobuf).digest();
  return Buffer.concat([Buffer.from('f3899ac2', 'hex'), protobuf, digest]);
}

/** What encode() must return for the records. */
export function referenceEncoding(records: readonly AggregatableRecord[]): Buffer {
  if (records.length === 1) return Buffer.from(records[0].data);
  return wrapAggregate(referenceProtobuf(records));
}
