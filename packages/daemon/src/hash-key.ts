// Hash keys as 32 lowercase hex digits. Fixed width makes string order numeric order, so shard
// lookups compare strings; one native call makes a key from a partition key; BigInt appears
// only where decimal text must be written (ExplicitHashKey, once per Kinesis record).
import { hash } from 'node:crypto';

export type HashKey = string;

// Partition keys repeat in most workloads (device ids, user ids): remember recent ones.
const CACHE_LIMIT = 1 << 17;
const cache = new Map<string, HashKey>();

/** MD5 of the key's UTF-8 bytes, as Kinesis routes by it. */
export function hashKeyOfPartitionKey(partitionKey: string): HashKey {
  let h = cache.get(partitionKey);
  if (h === undefined) {
    h = hash('md5', partitionKey, 'hex');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(partitionKey, h);
  }
  return h;
}

export function hashKeyFromDecimal(decimal: string | bigint | number): HashKey {
  return BigInt(decimal).toString(16).padStart(32, '0');
}

export function hashKeyToDecimal(key: HashKey): string {
  return BigInt(`0x${key}`).toString();
}
