import { createHash } from 'node:crypto';

/** The largest 128-bit hash key; Kinesis shards partition [0, MAX_HASH_KEY]. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** The hash key Kinesis routes a partition key by: MD5 of its UTF-8 bytes as a big-endian uint128. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** The key a record is routed by: its explicit hash key when given, else the partition key's MD5. */
export function routingHashKey(partitionKey: string, explicitHashKey?: string): bigint {
  return explicitHashKey === undefined ? partitionKeyHash(partitionKey) : BigInt(explicitHashKey);
}
