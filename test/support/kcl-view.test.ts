import { describe, expect, test } from '@jest/globals';
import { partitionKeyHash } from './hash-key.js';
import { kclView } from './kcl-view.js';
import type { ShardInfo, UserRecordFound } from './read-back.js';

const MAX = 2n ** 128n - 1n;
const MID = MAX / 2n;
const shards: ShardInfo[] = [
  { shardId: 'low', startingHashKey: 0n, endingHashKey: MID, closed: false },
  { shardId: 'high', startingHashKey: MID + 1n, endingHashKey: MAX, closed: false },
];

/** A partition key whose hash falls in the wanted half. */
function keyIn(high: boolean, n: number): string {
  for (let i = 0; ; i++) {
    const k = `k${n}-${i}`;
    if (partitionKeyHash(k) > MID === high) return k;
  }
}

function member(shardId: string, seq: string, key: string, aggregated = true): UserRecordFound {
  return {
    shardId,
    sequenceNumber: seq,
    partitionKey: key,
    data: Buffer.from(key),
    aggregated,
  } as UserRecordFound;
}

describe('kclView reads as the KCL does', () => {
  test('an aggregate with one member outside its shard is dropped whole', () => {
    const found = [
      member('high', '1', keyIn(true, 1)),
      member('high', '1', keyIn(true, 2)),
      member('high', '1', keyIn(false, 3)),
      member('high', '2', keyIn(true, 4)),
    ];
    const { kept, dropped } = kclView(found, shards);
    expect(kept.map((r) => r.sequenceNumber)).toEqual(['2']);
    expect(dropped).toHaveLength(3);
  });

  test('plain records are kept wherever they are', () => {
    const plain = member('high', '3', keyIn(false, 5), false);
    expect(kclView([plain], shards).kept).toEqual([plain]);
  });
});
