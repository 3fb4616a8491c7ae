// What a KCL consumer sees: it drops a user record found inside an aggregated record on a shard
// whose hash range does not hold that record's hash key. Plain records are always kept.
import { routingHashKey } from './hash-key.js';
import type { ShardInfo, UserRecordFound } from './read-back.js';

export function kclView(
  found: UserRecordFound[],
  shards: ShardInfo[],
): {
  kept: UserRecordFound[];
  dropped: UserRecordFound[];
} {
  const byId = new Map(shards.map((s) => [s.shardId, s]));
  const kept: UserRecordFound[] = [];
  const dropped: UserRecordFound[] = [];
  for (const r of found) {
    if (!r.aggregated) {
      kept.push(r);
      continue;
    }
    const shard = byId.get(r.shardId);
    const hash = routingHashKey(r.partitionKey, r.explicitHashKey);
    if (shard && hash >= shard.startingHashKey && hash <= shard.endingHashKey) kept.push(r);
    else dropped.push(r);
  }
  return { kept, dropped };
}
