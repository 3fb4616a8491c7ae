// Compares what a producer sent with what a reader found in the stream, record by record.
import { hashKeyOf, parseExplicitHashKey } from '../../packages/aggregation/src/index.js';
import type { FoundRecord, Shard } from './read-stream.js';

export interface SentRecord {
  partitionKey: string;
  explicitHashKey?: string;
  /** Must be unique among the records sent: it is how a found record is matched to its sender. */
  data: Buffer;
  /** Where the producer said the record went; undefined when it got no successful result. */
  shardId?: string;
  sequenceNumber?: string;
}

export interface Verification {
  ok: boolean;
  /** Problems by kind: how many, and the first few. */
  problems: Map<string, { count: number; examples: string[] }>;
}

const EXAMPLES = 3;

/**
 * Every sent record must be found exactly once, with the same partition key and bytes, on the
 * shard and at the sequence number its result reported, in a shard whose hash range holds its
 * hash key; nothing else may be found.
 */
export function verifyDelivery(
  sent: SentRecord[],
  found: FoundRecord[],
  shards: Shard[],
): Verification {
  const problems = new Map<string, { count: number; examples: string[] }>();
  const report = (kind: string, example: string) => {
    let p = problems.get(kind);
    if (!p) problems.set(kind, (p = { count: 0, examples: [] }));
    p.count++;
    if (p.examples.length < EXAMPLES) p.examples.push(example);
  };

  // latin1 maps each byte to one char, so the key is exact and as long as the payload.
  const byPayload = new Map<string, number>();
  for (let i = 0; i < sent.length; i++) byPayload.set(sent[i]!.data.toString('latin1'), i);
  if (byPayload.size !== sent.length) throw new Error('verifyDelivery needs unique payloads');
  const shardById = new Map(shards.map((s) => [s.shardId, s]));
  const seen = new Uint8Array(sent.length);

  for (const f of found) {
    const at = `${f.shardId}@${f.sequenceNumber}${f.subSequenceNumber === undefined ? '' : `/${f.subSequenceNumber}`}`;
    const i = byPayload.get(f.data.toString('latin1'));
    if (i === undefined) {
      report('found but never sent (or payload changed)', `${preview(f.data)} at ${at}`);
      continue;
    }
    const s = sent[i]!;
    if (seen[i]++) {
      report('found more than once', `record ${i} again at ${at}`);
      continue;
    }
    if (f.partitionKey !== s.partitionKey) {
      report(
        'partition key changed',
        `record ${i}: sent ${s.partitionKey}, found ${f.partitionKey}`,
      );
    }
    if (s.shardId !== f.shardId || s.sequenceNumber !== f.sequenceNumber) {
      report(
        'not where its result said',
        `record ${i}: result ${s.shardId}@${s.sequenceNumber}, found at ${at}`,
      );
    }
    const shard = shardById.get(f.shardId);
    const hash =
      (s.explicitHashKey === undefined ? undefined : parseExplicitHashKey(s.explicitHashKey)) ??
      hashKeyOf(s.partitionKey);
    if (!shard || hash < shard.startingHashKey || hash > shard.endingHashKey) {
      report('on a shard that does not own its hash key', `record ${i} at ${at}`);
    }
  }
  sent.forEach((s, i) => {
    if (s.sequenceNumber === undefined) report('no successful result', `record ${i}`);
    if (!seen[i]) report('sent but not found', `record ${i} (${preview(s.data)})`);
  });
  return { ok: problems.size === 0, problems };
}

function preview(data: Buffer): string {
  const text = data.subarray(0, 32).toString('utf8');
  return data.length > 32 ? `${JSON.stringify(text)}…` : JSON.stringify(text);
}
