import { describe, expect, test } from '@jest/globals';
import { MAX_HASH_KEY, partitionKeyHash } from './hash-key.js';
import type { ShardInfo, UserRecordFound } from './read-back.js';
import { type SentRecord, verifyDelivery } from './verify.js';

const HALF = (MAX_HASH_KEY + 1n) / 2n;
const SHARDS: ShardInfo[] = [
  { shardId: 'shardId-000000000000', startingHashKey: 0n, endingHashKey: HALF - 1n, closed: false },
  {
    shardId: 'shardId-000000000001',
    startingHashKey: HALF,
    endingHashKey: MAX_HASH_KEY,
    closed: false,
  },
];

function shardFor(hash: bigint): string {
  return hash < HALF ? SHARDS[0]!.shardId : SHARDS[1]!.shardId;
}

/** n records with unique payloads, each found where it belongs with the reported position. */
function delivered(n: number): { sent: SentRecord[]; found: UserRecordFound[] } {
  const sent: SentRecord[] = [];
  const found: UserRecordFound[] = [];
  for (let i = 0; i < n; i++) {
    const partitionKey = `pk-${i % 37}`;
    // Every fifth record carries an explicit hash key, alternating halves of the key space.
    const explicitHashKey = i % 5 === 0 ? String(i % 2 === 0 ? 7n : HALF + 7n) : undefined;
    const hash =
      explicitHashKey === undefined ? partitionKeyHash(partitionKey) : BigInt(explicitHashKey);
    const data = Buffer.from(`record-${i}`);
    const shardId = shardFor(hash);
    const sequenceNumber = String(1000 + Math.floor(i / 3));
    sent.push({ partitionKey, explicitHashKey, data, result: { shardId, sequenceNumber } });
    found.push({
      shardId,
      sequenceNumber,
      subSequenceNumber: i % 3,
      partitionKey,
      explicitHashKey,
      data: Buffer.from(data),
      aggregated: true,
    });
  }
  return { sent, found };
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected verifyDelivery to throw');
}

describe('verifyDelivery', () => {
  test('passes a complete, correctly placed delivery in any order', () => {
    const { sent, found } = delivered(200);
    expect(verifyDelivery(sent, found.reverse(), SHARDS)).toEqual({ duplicates: 0 });
  });

  test('handles 100k records', () => {
    const { sent, found } = delivered(100_000);
    expect(verifyDelivery(sent, found, SHARDS)).toEqual({ duplicates: 0 });
  });

  test('reports a missing record', () => {
    const { sent, found } = delivered(50);
    found.splice(10, 1);
    const msg = failure(() => verifyDelivery(sent, found, SHARDS));
    expect(msg).toContain('1 sent but not found');
    expect(msg).toContain('record-10');
  });

  test('reports a duplicate, or counts it when duplicates are allowed', () => {
    const { sent, found } = delivered(50);
    found.push({ ...found[3]!, sequenceNumber: '99999' });
    expect(failure(() => verifyDelivery(sent, found, SHARDS))).toContain('1 found more than once');
    expect(verifyDelivery(sent, found, SHARDS, { allowDuplicates: true })).toEqual({
      duplicates: 1,
    });
  });

  test('pairs a duplicate with the copy at the reported sequence number', () => {
    const { sent, found } = delivered(10);
    // The earlier copy (a retry the producer gave up on) sits first; the reported one second.
    found.unshift({ ...found[4]!, sequenceNumber: '1' });
    expect(verifyDelivery(sent, found, SHARDS, { allowDuplicates: true })).toEqual({
      duplicates: 1,
    });
  });

  test('reports a changed payload as missing plus never sent, naming both', () => {
    const { sent, found } = delivered(50);
    found[7] = { ...found[7]!, data: Buffer.from('record-7-corrupted') };
    const msg = failure(() => verifyDelivery(sent, found, SHARDS));
    expect(msg).toContain('1 found but never sent');
    expect(msg).toContain('record-7-corrupted');
    expect(msg).toContain('1 sent but not found');
    expect(msg).toContain('same partition key as missing');
  });

  test('reports a changed partition key', () => {
    const { sent, found } = delivered(20);
    found[2] = { ...found[2]!, partitionKey: 'other' };
    const msg = failure(() => verifyDelivery(sent, found, SHARDS));
    expect(msg).toContain('1 sent but not found');
    expect(msg).toContain('1 found but never sent');
  });

  test('reports a record in a shard whose range does not hold its hash key', () => {
    const { sent, found } = delivered(20);
    const other = found[1]!.shardId === SHARDS[0]!.shardId ? SHARDS[1]! : SHARDS[0]!;
    found[1] = { ...found[1]!, shardId: other.shardId };
    sent[1]!.result = { ...sent[1]!.result, shardId: other.shardId };
    expect(failure(() => verifyDelivery(sent, found, SHARDS))).toContain(
      '1 in a shard whose hash range does not hold its hash key',
    );
  });

  test('routes by the explicit hash key when one was given', () => {
    const sent: SentRecord[] = [
      { partitionKey: 'a', explicitHashKey: '0', data: Buffer.from('x') },
    ];
    const inFirst: UserRecordFound[] = [
      {
        shardId: SHARDS[0]!.shardId,
        sequenceNumber: '1',
        partitionKey: 'a',
        data: Buffer.from('x'),
        aggregated: false,
      },
    ];
    expect(verifyDelivery(sent, inFirst, SHARDS)).toEqual({ duplicates: 0 });
    const inSecond = [{ ...inFirst[0]!, shardId: SHARDS[1]!.shardId }];
    expect(failure(() => verifyDelivery(sent, inSecond, SHARDS))).toContain('hash range');
  });

  test('reports a wrong sequence number and a wrong reported shard', () => {
    const { sent, found } = delivered(20);
    sent[5]!.result = { ...sent[5]!.result, sequenceNumber: '424242' };
    sent[6]!.result = { ...sent[6]!.result, shardId: 'shardId-000000000009' };
    const msg = failure(() => verifyDelivery(sent, found, SHARDS));
    expect(msg).toContain('1 reported sequence number differs');
    expect(msg).toContain('424242');
    expect(msg).toContain('1 reported shard differs');
  });

  test('reports a shard the stream does not list', () => {
    const { sent, found } = delivered(5);
    found[0] = { ...found[0]!, shardId: 'shardId-000000000077' };
    delete sent[0]!.result;
    expect(failure(() => verifyDelivery(sent, found, SHARDS))).toContain(
      'found in a shard the stream does not list',
    );
  });

  test('reports an explicit hash key that changed inside an aggregated record', () => {
    const { sent, found } = delivered(10);
    found[0] = { ...found[0]!, explicitHashKey: '8' };
    expect(failure(() => verifyDelivery(sent, found, SHARDS))).toContain(
      'explicit hash key changed',
    );
  });

  test('lists only the first few examples of a kind, with the count', () => {
    const { sent } = delivered(30);
    const msg = failure(() => verifyDelivery(sent, [], SHARDS));
    expect(msg).toContain('30 sent but not found');
    expect(msg).toContain('and 25 more');
  });
});
