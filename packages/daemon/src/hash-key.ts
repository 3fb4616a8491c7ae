// Hash keys as 32 lowercase hex digits. Fixed width makes string order numeric order, so shard
// lookups compare strings; one native call makes a key from a partition key; BigInt appears
// only where decimal text must be written (ExplicitHashKey, once per Kinesis record).
import { hash } from 'node:crypto';
import type { KeySlot } from '@kinesis-producer/aggregation';

export type HashKey = string;

/**
 * What the daemon knows of one partition key: its hash key, and (as a KeySlot) where it sits in
 * the aggregate being built, so one lookup per record serves both.
 */
export interface PartitionKeyInfo extends KeySlot {
  readonly hashKey: HashKey;
}

// Partition keys repeat in most workloads (device ids, user ids): remember recent ones.
const CACHE_LIMIT = 1 << 17;
const cache = new Map<string, PartitionKeyInfo>();

export function partitionKeyInfo(partitionKey: string): PartitionKeyInfo {
  let info = cache.get(partitionKey);
  if (info === undefined) {
    info = { hashKey: hash('md5', partitionKey, 'hex'), table: 0, index: 0 };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(partitionKey, info);
  }
  return info;
}

/** MD5 of the key's UTF-8 bytes, as Kinesis routes by it. */
export function hashKeyOfPartitionKey(partitionKey: string): HashKey {
  return partitionKeyInfo(partitionKey).hashKey;
}

export function hashKeyFromDecimal(decimal: string | bigint | number): HashKey {
  return BigInt(decimal).toString(16).padStart(32, '0');
}

export function hashKeyToDecimal(key: HashKey): string {
  return BigInt(`0x${key}`).toString();
}
