import { createHash } from 'node:crypto';
import { routingHashKey } from './hash-key.js';
import type { ShardInfo, UserRecordFound } from './read-back.js';

export interface SentRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
  /** What the producer reported for it, if it succeeded. */
  result?: { shardId?: string; sequenceNumber?: string };
}

const EXAMPLES = 5;

/**
 * Checks that what was found in the stream is exactly what was sent: each sent record once (or,
 * with allowDuplicates, at least once), nothing else, each in a shard whose hash range holds its
 * hash key, at the shard and sequence number the producer reported. Records are identified by
 * (partition key, data) as a multiset, so payloads must be unique for the pairing to be exact.
 * Throws an Error listing the first few problems of each kind, with counts.
 */
export function verifyDelivery(
  sent: SentRecord[],
  found: UserRecordFound[],
  shards: ShardInfo[],
  opts: { allowDuplicates?: boolean } = {},
): { duplicates: number } {
  const groups = new Map<string, { sent: number[]; found: number[] }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sent: [], found: [] }));
    return g;
  };
  for (let i = 0; i < sent.length; i++) {
    group(identity(sent[i]!.partitionKey, sent[i]!.data)).sent.push(i);
  }
  for (let i = 0; i < found.length; i++) {
    group(identity(found[i]!.partitionKey, found[i]!.data)).found.push(i);
  }

  const shardById = new Map(shards.map((s) => [s.shardId, s]));
  const problems = new Problems();
  const missing: number[] = [];
  const unexpected: number[] = [];
  let duplicates = 0;

  const checkPlacement = (s: SentRecord, f: UserRecordFound) => {
    const shard = shardById.get(f.shardId);
    const hash = routingHashKey(s.partitionKey, s.explicitHashKey);
    if (!shard) {
      problems.add('found in a shard the stream does not list', `${describe(s)} at ${where(f)}`);
    } else if (hash < shard.startingHashKey || hash > shard.endingHashKey) {
      problems.add(
        'in a shard whose hash range does not hold its hash key',
        `${describe(s)} hash key ${hash} at ${where(f)} [${shard.startingHashKey}, ${shard.endingHashKey}]`,
      );
    }
    if (f.explicitHashKey !== undefined && !sameHashKey(f.explicitHashKey, s.explicitHashKey)) {
      problems.add(
        'explicit hash key changed',
        `${describe(s)} found with explicit hash key ${f.explicitHashKey} at ${where(f)}`,
      );
    }
  };

  for (const g of groups.values()) {
    const pairs = pair(g, sent, found);
    for (const [si, fi] of pairs) {
      const s = sent[si]!;
      const f = found[fi]!;
      checkPlacement(s, f);
      if (s.result?.shardId !== undefined && s.result.shardId !== f.shardId) {
        problems.add(
          'reported shard differs from where it was found',
          `${describe(s)} reported ${s.result.shardId}, found at ${where(f)}`,
        );
      }
      if (s.result?.sequenceNumber !== undefined && s.result.sequenceNumber !== f.sequenceNumber) {
        problems.add(
          'reported sequence number differs from where it was found',
          `${describe(s)} reported ${s.result.sequenceNumber}, found at ${where(f)}`,
        );
      }
    }
    const pairedSent = new Set(pairs.map(([si]) => si));
    const pairedFound = new Set(pairs.map(([, fi]) => fi));
    for (const si of g.sent) if (!pairedSent.has(si)) missing.push(si);
    for (const fi of g.found) {
      if (pairedFound.has(fi)) continue;
      if (g.sent.length === 0) {
        unexpected.push(fi);
        continue;
      }
      duplicates++;
      checkPlacement(sent[g.sent[0]!]!, found[fi]!);
      if (!opts.allowDuplicates) {
        problems.add(
          'found more than once',
          `${describe(sent[g.sent[0]!]!)} again at ${where(found[fi]!)}`,
        );
      }
    }
  }

  // A changed payload shows up as one missing and one unexpected record: pair them by key for the
  // message, so the failure says what changed rather than only that two things disagree.
  const missingByKey = new Map<string, number[]>();
  for (const si of missing) {
    const list = missingByKey.get(sent[si]!.partitionKey) ?? [];
    list.push(si);
    missingByKey.set(sent[si]!.partitionKey, list);
  }
  for (const fi of unexpected) {
    const f = found[fi]!;
    const candidate = missingByKey.get(f.partitionKey)?.[0];
    const hint =
      candidate === undefined
        ? ''
        : ` (same partition key as missing ${describe(sent[candidate]!)})`;
    problems.add('found but never sent', `${describe(f)} at ${where(f)}${hint}`);
  }
  for (const si of missing) problems.add('sent but not found', describe(sent[si]!));

  if (problems.count > 0) {
    throw new Error(
      `Delivery check failed: ${sent.length} sent, ${found.length} found, ${shards.length} shards.\n${problems.report()}`,
    );
  }
  return { duplicates };
}

/** Pairs each sent copy with a found copy, preferring the copy at its reported sequence number. */
function pair(
  g: { sent: number[]; found: number[] },
  sent: SentRecord[],
  found: UserRecordFound[],
): [number, number][] {
  if (g.sent.length === 1 && g.found.length >= 1) {
    const s = sent[g.sent[0]!]!;
    const seq = s.result?.sequenceNumber;
    const exact =
      seq === undefined ? undefined : g.found.find((fi) => found[fi]!.sequenceNumber === seq);
    return [[g.sent[0]!, exact ?? g.found[0]!]];
  }
  const pairs: [number, number][] = [];
  const free = new Set(g.found);
  const unpaired: number[] = [];
  for (const si of g.sent) {
    const seq = sent[si]!.result?.sequenceNumber;
    const fi =
      seq === undefined ? undefined : [...free].find((x) => found[x]!.sequenceNumber === seq);
    if (fi === undefined) {
      unpaired.push(si);
    } else {
      free.delete(fi);
      pairs.push([si, fi]);
    }
  }
  for (const si of unpaired) {
    const fi = free.values().next();
    if (fi.done) break;
    free.delete(fi.value);
    pairs.push([si, fi.value]);
  }
  return pairs;
}

function identity(partitionKey: string, data: Buffer): string {
  const pk = Buffer.from(partitionKey, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(pk.length);
  return createHash('sha1').update(len).update(pk).update(data).digest('base64');
}

function sameHashKey(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  try {
    return BigInt(a) === BigInt(b);
  } catch {
    return a === b;
  }
}

function preview(data: Buffer): string {
  const head = data.subarray(0, 48);
  const text = head.toString('utf8');
  const printable = /^[\x20-\x7e]*$/.test(text);
  const shown = printable ? JSON.stringify(text) : `0x${head.toString('hex')}`;
  return data.length > head.length ? `${shown}… (${data.length} bytes)` : shown;
}

function describe(r: { partitionKey: string; explicitHashKey?: string; data: Buffer }): string {
  const ehk = r.explicitHashKey === undefined ? '' : ` ehk=${r.explicitHashKey}`;
  return `{pk=${JSON.stringify(r.partitionKey)}${ehk} data=${preview(r.data)}}`;
}

function where(f: UserRecordFound): string {
  const sub = f.subSequenceNumber === undefined ? '' : `/${f.subSequenceNumber}`;
  return `${f.shardId}@${f.sequenceNumber}${sub}`;
}

/** Problems by kind: a count and the first few examples of each. */
class Problems {
  private readonly kinds = new Map<string, { count: number; examples: string[] }>();
  count = 0;

  add(kind: string, example: string): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { count: 0, examples: [] }));
    k.count++;
    this.count++;
    if (k.examples.length < EXAMPLES) k.examples.push(example);
  }

  report(): string {
    const lines: string[] = [];
    for (const [kind, k] of this.kinds) {
      lines.push(`${k.count} ${kind}:`);
      for (const e of k.examples) lines.push(`  ${e}`);
      if (k.count > k.examples.length) lines.push(`  … and ${k.count - k.examples.length} more`);
    }
    return lines.join('\n');
  }
}
