// What a KCL consumer sees: when any user record inside an aggregated record has a hash key the
// range of the shard holding it does not cover, the KCL drops that whole aggregated record, the
// members in range included. Plain records are always kept.
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
  // Members of one aggregated record share their shard and sequence number.
  const aggregates = new Map<string, UserRecordFound[]>();
  const kept: UserRecordFound[] = [];
  for (const r of found) {
    if (!r.aggregated) {
      kept.push(r);
      continue;
    }
    const id = `${r.shardId}@${r.sequenceNumber}`;
    let members = aggregates.get(id);
    if (!members) aggregates.set(id, (members = []));
    members.push(r);
  }
  const dropped: UserRecordFound[] = [];
  for (const members of aggregates.values()) {
    const shard = byId.get(members[0]!.shardId);
    const inRange = (r: UserRecordFound) => {
      const hash = routingHashKey(r.partitionKey, r.explicitHashKey);
      return shard !== undefined && hash >= shard.startingHashKey && hash <= shard.endingHashKey;
    };
    (members.every(inRange) ? kept : dropped).push(...members);
  }
  return { kept, dropped };
}
