// One stream's emission points, where the KPL records each metric. Nodes are looked up once per scope and kept in
// arrays, so recording a sample on the hot path is an index and a few additions: no strings
// built, no objects allocated.
import { isExpiredCode, RecordErrorCode } from '@kinesis-producer/protocol';
import type { KinesisRecord } from '../kinesis-record.js';
import type { PutRecordsBatch } from '../put-records-batch.js';
import type { PutRecordsOutcome } from '../put-records-client.js';
import { shardIdText } from '../shard-map.js';
import type { UserRecord } from '../user-record.js';
import { M, type MetricName } from './metric-names.js';
import type { MetricNode, MetricsRegistry, Scope } from './metrics-registry.js';

// The metrics recorded per stream or per shard, as indexes into each scope's node cache.
const NAMES = [
  M.UserRecordsReceived,
  M.UserRecordsPending,
  M.UserRecordsPut,
  M.UserRecordsDataPut,
  M.UserRecordExpired,
  M.BufferingTime,
  M.RetriesPerRecord,
  M.KinesisRecordsPut,
  M.KinesisRecordsDataPut,
  M.AllErrors,
  M.RequestTime,
  M.KinesisRecordsPerPutRecordsRequest,
  M.UserRecordsPerPutRecordsRequest,
  M.UserRecordsPerKinesisRecord,
] as const satisfies readonly MetricName[];

const I = Object.fromEntries(NAMES.map((n, i) => [n, i])) as {
  readonly [K in (typeof NAMES)[number]]: number;
};

/** The nodes of one scope (a stream, or a shard of it), each looked up on first use. */
class NodeCache {
  private readonly nodes: (MetricNode | undefined)[] = new Array(NAMES.length).fill(undefined);

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly scope: Scope,
  ) {}

  get(i: number): MetricNode {
    return this.nodes[i] ?? this.resolve(i);
  }

  private resolve(i: number): MetricNode {
    const n = this.registry.find(NAMES[i]!, this.scope);
    this.nodes[i] = n;
    return n;
  }
}

interface ErrorNodes {
  stream: MetricNode;
  shards: Map<number, MetricNode>;
}

export class StreamMetrics {
  /** The pipeline's outstanding count, sampled every 200 ms. */
  pending: () => number = () => 0;
  private readonly streamNodes: NodeCache;
  private readonly byShardNumber = new Map<number, NodeCache>();
  private readonly byShardId = new Map<string, NodeCache>();
  private readonly errors = new Map<string, ErrorNodes>();

  constructor(
    private readonly registry: MetricsRegistry,
    readonly stream: string,
  ) {
    this.streamNodes = new NodeCache(registry, { stream });
  }

  received(ur: UserRecord): void {
    this.streamNodes.get(I.UserRecordsReceived).put(1, second(ur.arrival));
  }

  samplePending(t: number): void {
    this.streamNodes.get(I.UserRecordsPending).put(this.pending(), second(t));
  }

  /** A PutRecords call came back; called before the retrier looks at the outcome. */
  requestDone(batch: PutRecordsBatch, outcome: PutRecordsOutcome, start: number, end: number) {
    const s = second(end);
    const items = batch.items;
    let userRecords = 0;
    for (let i = 0; i < items.length; i++) {
      const kr = items[i]!;
      userRecords += kr.count;
      this.predicted(kr).get(I.UserRecordsPerKinesisRecord).put(kr.count, s);
    }
    const st = this.streamNodes;
    st.get(I.RequestTime).put(end - start, s);
    st.get(I.KinesisRecordsPerPutRecordsRequest).put(items.length, s);
    st.get(I.UserRecordsPerPutRecordsRequest).put(userRecords, s);
    if (!outcome.ok || outcome.records.length !== items.length) {
      // The whole call failed; a count mismatch fails every record of it too, so it counts
      // as such (the KPL leaves that case out of the error metrics).
      const code = outcome.ok ? RecordErrorCode.recordCountMismatch : outcome.code;
      this.errorNode(code, -1).put(1, s);
      st.get(I.AllErrors).put(1, s);
      return;
    }
    const records = outcome.records;
    for (let i = 0; i < items.length; i++) {
      const kr = items[i]!;
      const r = records[i]!;
      const c = this.predicted(kr);
      if (r.errorCode === undefined) {
        c.get(I.KinesisRecordsPut).put(1, s);
        // The encoded data is cached from building the request body.
        c.get(I.KinesisRecordsDataPut).put(kr.data().length, s);
        c.get(I.AllErrors).put(0, s);
      } else {
        c.get(I.KinesisRecordsPut).put(0, s);
        this.errorNode(r.errorCode, kr.predictedShard).put(1, s);
        c.get(I.AllErrors).put(1, s);
      }
    }
  }

  /** A user record has its final result, decided when its last attempt ended. */
  finished(ur: UserRecord): void {
    const attempts = ur.attempts;
    const n = attempts.length;
    const last = n > 0 ? attempts[n - 1]! : undefined;
    const s = second(last ? last.end : ur.arrival);
    const ok = last?.success === true;
    const c =
      ok && ur.shardId ? this.shardById(ur.shardId) : this.predictedNumber(ur.predictedShard);
    c.get(I.UserRecordsPut).put(ok ? 1 : 0, s);
    if (ok) c.get(I.UserRecordsDataPut).put(ur.dataLength, s);
    else if (isExpiredCode(last?.errorCode)) c.get(I.UserRecordExpired).put(1, s);
    const buffering = c.get(I.BufferingTime);
    let before = ur.arrival;
    for (let i = 0; i < n; i++) {
      const a = attempts[i]!;
      buffering.put(Math.max(0, a.start - before), s);
      before = a.end;
    }
    c.get(I.RetriesPerRecord).put(n > 0 ? n - 1 : 0, s);
  }

  private predicted(kr: KinesisRecord): NodeCache {
    return this.predictedNumber(kr.predictedShard);
  }

  private predictedNumber(shard: number): NodeCache {
    if (shard < 0) return this.streamNodes;
    let c = this.byShardNumber.get(shard);
    if (!c) {
      c = this.shardById(shardIdText(shard));
      this.byShardNumber.set(shard, c);
    }
    return c;
  }

  private shardById(shardId: string): NodeCache {
    let c = this.byShardId.get(shardId);
    if (!c) {
      c = new NodeCache(this.registry, { stream: this.stream, shard: shardId });
      this.byShardId.set(shardId, c);
    }
    return c;
  }

  private errorNode(code: string, shard: number): MetricNode {
    let e = this.errors.get(code);
    if (!e) {
      e = {
        stream: this.registry.find(M.ErrorsByCode, { errorCode: code, stream: this.stream }),
        shards: new Map(),
      };
      this.errors.set(code, e);
    }
    if (shard < 0) return e.stream;
    let node = e.shards.get(shard);
    if (!node) {
      node = this.registry.find(M.ErrorsByCode, {
        errorCode: code,
        stream: this.stream,
        shard: shardIdText(shard),
      });
      e.shards.set(shard, node);
    }
    return node;
  }
}

/** The monotonic second a time falls in. */
export function second(t: number): number {
  return Math.floor(t / 1000);
}
