import { ACCOUNT_ID, type FakeShard, type FakeStream } from './fake-stream.js';
import type { Admit } from './fake-throttle.js';
import { MAX_HASH_KEY, routingHashKey } from './hash-key.js';
import type { StoredRecord } from './read-back.js';

/** An error answered as Kinesis does: status, `__type` and message. */
export class KinesisError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface FakeKinesisStats {
  putRecordsCalls: number;
  /** Entries of PutRecords requests that were processed (not refused whole or faulted). */
  entries: number;
  throttledEntries: number;
  /** Failed entries, throttled ones included. */
  failedEntries: number;
  acceptedEntries: number;
  /** Data plus partition key bytes of accepted entries. */
  bytesAccepted: number;
  /** PutRecords requests a fault was applied to. */
  faultsApplied: number;
  byOperation: Record<string, number>;
  /** Requests that named their stream by StreamARN, by operation. */
  byStreamArn: Record<string, number>;
}

export interface FakeState {
  streams: Map<string, FakeStream>;
  store: boolean;
  maxRecordsPerRequest: number;
  maxRecordBytes: number;
  maxRequestBytes: number;
  /** The throttling rule: false refuses the entry as throttled. */
  admit: Admit;
  stats: FakeKinesisStats;
  nextSequenceNumber(): string;
}

export interface PutResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

type Input = Record<string, unknown>;

const THROTTLED = 'ProvisionedThroughputExceededException';

// The service's own constraint on StreamARN.
const STREAM_ARN = /^arn:aws.*:kinesis:.*:\d{12}:stream\/\S+$/;

function streamOf(state: FakeState, input: Input): FakeStream {
  const arn = input.StreamARN;
  if (arn !== undefined) return streamByArn(state, arn, input.StreamName);
  const name = input.StreamName;
  if (typeof name !== 'string' || name === '') {
    throw new KinesisError('InvalidArgumentException', 'StreamName or StreamARN must be provided.');
  }
  const stream = state.streams.get(name);
  if (!stream) {
    throw new KinesisError(
      'ResourceNotFoundException',
      `Stream ${name} under account ${ACCOUNT_ID} not found.`,
    );
  }
  return stream;
}

// An ARN names one stream of one account in one region: a stream of the same name elsewhere is
// not it, as on the service.
function streamByArn(state: FakeState, arn: unknown, name: unknown): FakeStream {
  if (typeof arn !== 'string' || !STREAM_ARN.test(arn)) {
    throw validation(
      'streamARN',
      arn,
      'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
    );
  }
  const nameInArn = arn.slice(arn.lastIndexOf('/') + 1);
  if (name !== undefined && name !== nameInArn) {
    throw new KinesisError(
      'InvalidArgumentException',
      `StreamARN ${arn} and StreamName ${String(name)} do not name the same stream.`,
    );
  }
  const stream = state.streams.get(nameInArn);
  if (stream?.arn !== arn) {
    const account = arn.split(':')[4];
    throw new KinesisError(
      'ResourceNotFoundException',
      `Stream ${nameInArn} under account ${account} not found.`,
    );
  }
  return stream;
}

function validation(path: string, value: unknown, constraint: string): KinesisError {
  const shown = typeof value === 'string' ? value.slice(0, 64) : String(value);
  return new KinesisError(
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

function entryMessage(code: string, shard: FakeShard, stream: FakeStream): string {
  if (code === THROTTLED) {
    return `Rate exceeded for shard ${shard.info.shardId} in stream ${stream.name} under account ${ACCOUNT_ID}.`;
  }
  if (code === 'InternalFailure') return 'Internal service failure.';
  return `Injected failure ${code}.`;
}

/** Bytes a base64 string decodes to, without decoding it. */
function base64Length(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

interface CheckedEntry {
  partitionKey: string;
  explicitHashKey?: string;
  data: string;
  size: number;
  shard: FakeShard;
}

function checkEntry(state: FakeState, stream: FakeStream, e: unknown, path: string): CheckedEntry {
  const entry = (e ?? {}) as Input;
  const pk = entry.PartitionKey;
  if (typeof pk !== 'string' || pk.length < 1 || pk.length > 256) {
    throw validation(`${path}.partitionKey`, pk, 'Member must have length between 1 and 256');
  }
  const data = entry.Data;
  if (typeof data !== 'string') throw validation(`${path}.data`, data, 'Member must not be null');
  const ehk = entry.ExplicitHashKey;
  let hash: bigint;
  if (ehk === undefined || ehk === null) {
    hash = routingHashKey(pk);
  } else {
    if (typeof ehk !== 'string' || !/^\d{1,39}$/.test(ehk) || BigInt(ehk) > MAX_HASH_KEY) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${ehk}`,
      );
    }
    hash = BigInt(ehk);
  }
  const size = base64Length(data) + Buffer.byteLength(pk);
  if (size > state.maxRecordBytes) {
    throw validation(
      `${path}.data`,
      `${size} bytes`,
      `Member must have length less than or equal to ${state.maxRecordBytes} (data plus partition key)`,
    );
  }
  return {
    partitionKey: pk,
    explicitHashKey: typeof ehk === 'string' ? ehk : undefined,
    data,
    size,
    shard: stream.route(hash),
  };
}

/** Appends an accepted entry to its shard; returns its sequence number. */
function accept(state: FakeState, stream: FakeStream, e: CheckedEntry, wallNow: number): string {
  const sequenceNumber = state.nextSequenceNumber();
  if (state.store) {
    const record: StoredRecord = {
      shardId: e.shard.info.shardId,
      sequenceNumber,
      partitionKey: e.partitionKey,
      explicitHashKey: e.explicitHashKey,
      data: Buffer.from(e.data, 'base64'),
    };
    e.shard.records.push(record);
    e.shard.arrivals.push(wallNow);
    stream.log.push(record);
  }
  return sequenceNumber;
}

/**
 * PutRecords. `injected(i)` names an error code to fail entry i with regardless of throughput
 * (partial-failure faults).
 */
export function putRecords(
  state: FakeState,
  input: Input,
  injected?: (i: number, n: number) => string | undefined,
): { FailedRecordCount: number; Records: PutResultEntry[] } {
  const stream = streamOf(state, input);
  const raw = input.Records;
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > state.maxRecordsPerRequest) {
    throw validation(
      'records',
      Array.isArray(raw) ? `[${raw.length} records]` : raw,
      `Member must have length between 1 and ${state.maxRecordsPerRequest}`,
    );
  }
  const entries = raw.map((e, i) => checkEntry(state, stream, e, `records.${i + 1}.member`));
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > state.maxRequestBytes) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Records size exceeds ${state.maxRequestBytes} bytes limit: ${total} bytes`,
    );
  }
  const wallNow = Date.now();
  const results: PutResultEntry[] = new Array(entries.length);
  let failed = 0;
  state.stats.entries += entries.length;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let code = injected?.(i, entries.length);
    if (code === undefined && !state.admit(e.shard, e.size)) code = THROTTLED;
    if (code !== undefined) {
      failed++;
      state.stats.failedEntries++;
      if (code === THROTTLED) state.stats.throttledEntries++;
      results[i] = { ErrorCode: code, ErrorMessage: entryMessage(code, e.shard, stream) };
      continue;
    }
    state.stats.acceptedEntries++;
    state.stats.bytesAccepted += e.size;
    results[i] = {
      SequenceNumber: accept(state, stream, e, wallNow),
      ShardId: e.shard.info.shardId,
    };
  }
  return { FailedRecordCount: failed, Records: results };
}

export function putRecord(
  state: FakeState,
  input: Input,
): { ShardId: string; SequenceNumber: string } {
  const stream = streamOf(state, input);
  const e = checkEntry(state, stream, input, 'putRecordInput');
  if (!state.admit(e.shard, e.size)) {
    throw new KinesisError(THROTTLED, entryMessage(THROTTLED, e.shard, stream));
  }
  return { ShardId: e.shard.info.shardId, SequenceNumber: accept(state, stream, e, Date.now()) };
}

const SHARD_FILTERS = new Set([
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
]);

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: unknown, what: string): T {
  try {
    return JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as T;
  } catch {
    throw new KinesisError('InvalidArgumentException', `Invalid ${what}.`);
  }
}

export function listShards(state: FakeState, input: Input): unknown {
  const hasName = input.StreamName !== undefined || input.StreamARN !== undefined;
  let stream: FakeStream;
  let offset = 0;
  if (input.NextToken !== undefined) {
    if (hasName) {
      throw new KinesisError(
        'InvalidArgumentException',
        'NextToken and StreamName cannot be provided together.',
      );
    }
    const token = decodeToken<{ s: string; o: number }>(input.NextToken, 'NextToken');
    stream = streamOf(state, { StreamName: token.s });
    offset = token.o;
  } else {
    if (!hasName) {
      throw new KinesisError(
        'InvalidArgumentException',
        'Either NextToken or StreamName should be provided.',
      );
    }
    stream = streamOf(state, input);
    const filter = input.ShardFilter as { Type?: string; ShardId?: string } | undefined;
    if (filter && !SHARD_FILTERS.has(String(filter.Type))) {
      throw validation('shardFilter.type', filter.Type, 'Member must satisfy enum value set');
    }
    // Every shard of the fake is open, so only a start-after shard id narrows the list.
    const after =
      filter?.Type === 'AFTER_SHARD_ID' ? filter.ShardId : (input.ExclusiveStartShardId as string);
    if (typeof after === 'string')
      offset = stream.shards.filter((s) => s.info.shardId <= after).length;
  }
  const max = input.MaxResults === undefined ? 1000 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw validation('maxResults', input.MaxResults, 'Member must have value between 1 and 10000');
  }
  const page = stream.shards.slice(offset, offset + max);
  const next = offset + page.length;
  return {
    Shards: page.map((s) => ({
      ShardId: s.info.shardId,
      HashKeyRange: {
        StartingHashKey: s.info.startingHashKey.toString(),
        EndingHashKey: s.info.endingHashKey.toString(),
      },
      SequenceNumberRange: { StartingSequenceNumber: s.startingSequenceNumber },
    })),
    NextToken: next < stream.shards.length ? encodeToken({ s: stream.name, o: next }) : undefined,
  };
}

export function describeStreamSummary(state: FakeState, input: Input): unknown {
  const stream = streamOf(state, input);
  return {
    StreamDescriptionSummary: {
      StreamName: stream.name,
      StreamARN: stream.arn,
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: stream.createdAt / 1000,
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
      OpenShardCount: stream.shards.length,
      ConsumerCount: 0,
    },
  };
}

export function listStreams(state: FakeState): unknown {
  return { StreamNames: [...state.streams.keys()], HasMoreStreams: false };
}

interface Iterator {
  s: string;
  i: number;
  p: number;
}

function shardOf(stream: FakeStream, shardId: unknown): FakeShard {
  const shard = stream.shards.find((s) => s.info.shardId === shardId);
  if (!shard) {
    throw new KinesisError(
      'ResourceNotFoundException',
      `Shard ${shardId} in stream ${stream.name} under account ${ACCOUNT_ID} does not exist`,
    );
  }
  return shard;
}

/** Index of the first element for which `before` is false, in an array sorted so it flips once. */
function lowerBound(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function getShardIterator(state: FakeState, input: Input): unknown {
  const stream = streamOf(state, input);
  const shard = shardOf(stream, input.ShardId);
  const recs = shard.records;
  const seq = String(input.StartingSequenceNumber ?? '');
  // Sequence numbers have a fixed width, so string order is numeric order.
  let position: number;
  switch (input.ShardIteratorType) {
    case 'TRIM_HORIZON':
      position = 0;
      break;
    case 'LATEST':
      position = recs.length;
      break;
    case 'AT_SEQUENCE_NUMBER':
      position = lowerBound(recs.length, (i) => recs[i]!.sequenceNumber < seq);
      break;
    case 'AFTER_SEQUENCE_NUMBER':
      position = lowerBound(recs.length, (i) => recs[i]!.sequenceNumber <= seq);
      break;
    case 'AT_TIMESTAMP': {
      const at = Number(input.Timestamp) * 1000;
      position = lowerBound(recs.length, (i) => shard.arrivals[i]! < at);
      break;
    }
    default:
      throw validation(
        'shardIteratorType',
        input.ShardIteratorType,
        'Member must satisfy enum value set',
      );
  }
  return {
    ShardIterator: encodeToken({ s: stream.name, i: shard.index, p: position } satisfies Iterator),
  };
}

export function getRecords(state: FakeState, input: Input): unknown {
  const it = decodeToken<Iterator>(input.ShardIterator, 'ShardIterator');
  const stream = streamOf(state, { StreamName: it.s });
  const shard = stream.shards[it.i];
  if (!shard || !Number.isInteger(it.p)) {
    throw new KinesisError('InvalidArgumentException', 'Invalid ShardIterator.');
  }
  const limit = input.Limit === undefined ? 10000 : Number(input.Limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
    throw validation('limit', input.Limit, 'Member must have value between 1 and 10000');
  }
  const end = Math.min(shard.records.length, it.p + limit);
  const records = [];
  for (let i = it.p; i < end; i++) {
    const r = shard.records[i]!;
    records.push({
      SequenceNumber: r.sequenceNumber,
      ApproximateArrivalTimestamp: shard.arrivals[i]! / 1000,
      Data: r.data.toString('base64'),
      PartitionKey: r.partitionKey,
    });
  }
  const behind = end < shard.records.length ? Math.max(1, Date.now() - shard.arrivals[end]!) : 0;
  return {
    Records: records,
    NextShardIterator: encodeToken({ s: stream.name, i: shard.index, p: end } satisfies Iterator),
    MillisBehindLatest: behind,
  };
}
