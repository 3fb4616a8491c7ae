import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeStreamSummary,
  type FakeKinesisStats,
  type FakeState,
  getRecords,
  getShardIterator,
  KinesisError,
  listShards,
  listStreams,
  putRecord,
  putRecords,
} from './fake-kinesis-ops.js';
import { FakeStream } from './fake-stream.js';
import { admitterFor, type ThrottleRule } from './fake-throttle.js';
import { listenLocally, stopServer } from './http-server.js';
import type { ShardInfo, StoredRecord } from './read-back.js';
import { checkSigningTime, checkSigV4, type SignatureRejection } from './sigv4-check.js';

export type { FakeKinesisStats } from './fake-kinesis-ops.js';
export type { ThrottleRule } from './fake-throttle.js';

export interface FakeKinesisOptions {
  /** Stream name → shard count. The shards split the hash space evenly. */
  streams: Record<string, number>;
  /** Default us-east-1. */
  region?: string;
  /** Check SigV4 signatures against these keys (default: accept anything). */
  verifySignatures?: { accessKeyId: string; secretAccessKey: string }[] | false;
  /** Which entries are refused as throttled (default none); see ThrottleRule. */
  throttle?: ThrottleRule | false;
  /** Default 500; more is a ValidationException. */
  maxRecordsPerRequest?: number;
  /** Default 1 MiB, data plus partition key. */
  maxRecordBytes?: number;
  /** Default 5 MiB, data plus partition keys. */
  maxRequestBytes?: number;
  /** Default true. False keeps only counts (for benchmarks): records() and GetRecords are empty. */
  store?: boolean;
  /**
   * The fake's clock minus the real one, ms (default 0): every response's Date says its time,
   * and with verifySignatures a request signed more than 5 minutes away from it is refused as
   * Kinesis refuses it (InvalidSignatureException, "Signature expired").
   */
  clockOffsetMs?: number;
}

/**
 * What the next PutRecords requests suffer.
 * - status: the whole request fails with that status, error type and message (nothing stored).
 * - reset: the connection is destroyed without an answer (nothing stored).
 * - stall: the request is processed (records stored) but the answer is held for `ms`, as when a
 *   response is slow or lost after the service committed: a client that times out and retries
 *   creates duplicates, as with real Kinesis.
 * - partial: that fraction of the entries (spread evenly) fails with `errorCode`.
 * - malformed: a 200 whose body is not valid JSON (nothing stored).
 * - count-mismatch: processed normally (records stored) but the answer lists one entry too few.
 * - wrong-shard: processed normally (records stored where they belong) but each successful entry
 *   names the next shard instead.
 */
export type Fault =
  | { kind: 'status'; status: 400 | 500 | 503; errorType?: string; message?: string }
  | { kind: 'reset' }
  | { kind: 'stall'; ms: number }
  | { kind: 'partial'; fraction: number; errorCode?: string }
  | { kind: 'malformed' }
  | { kind: 'count-mismatch' }
  | { kind: 'wrong-shard' };

export interface RawResponse {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  probability: number;
}

const HANDLERS: Record<string, (state: FakeState, input: Record<string, unknown>) => unknown> = {
  PutRecord: putRecord,
  ListShards: listShards,
  ListStreams: listStreams,
  DescribeStreamSummary: describeStreamSummary,
  GetShardIterator: getShardIterator,
  GetRecords: getRecords,
};

const TARGET_PREFIX = 'Kinesis_20131202.';
const JSON_TYPE = 'application/x-amz-json-1.1';

/** A Kinesis endpoint on 127.0.0.1 speaking awsJson1_1, with throttling and injectable faults. */
export class FakeKinesis {
  readonly endpoint: string;
  readonly stats: FakeKinesisStats;
  /** Sees every request that passed the signature check, with its parsed body. */
  onRequest?: (operation: string, req: IncomingMessage, input: Record<string, unknown>) => void;
  /** Sees every request refused for its signature, before the refusal is sent. */
  onSignatureRejected?: (operation: string, why: SignatureRejection) => void;
  /**
   * Response-shape faults: an answer returned instead of the real one (nothing is processed or
   * stored), for any operation; undefined lets the request through. For garbage, extreme or
   * truncated bodies the client must survive.
   */
  respond?: (operation: string, input: Record<string, unknown>) => RawResponse | undefined;
  /** For each PutRecords request in order: how many were in flight when it came, itself included. */
  readonly inFlightAtArrival: number[] = [];
  private putRecordsInFlight = 0;
  private readonly state: FakeState;
  private readonly faults: QueuedFault[] = [];
  private readonly secrets: Map<string, string> | undefined;
  /** Stalled answers: each timer and what it sends when it fires. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private requestIds = 0;
  private readonly clockOffsetMs: number;

  private constructor(
    private readonly server: Server,
    private readonly region: string,
    opts: FakeKinesisOptions,
  ) {
    const address = server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${address.port}`;
    this.stats = {
      putRecordsCalls: 0,
      entries: 0,
      throttledEntries: 0,
      failedEntries: 0,
      acceptedEntries: 0,
      bytesAccepted: 0,
      faultsApplied: 0,
      byOperation: {},
      byStreamArn: {},
    };
    let sequence = 0;
    const nextSequenceNumber = () => `49${String(++sequence).padStart(24, '0')}`;
    const streams = new Map<string, FakeStream>();
    for (const [name, count] of Object.entries(opts.streams)) {
      const first = `49${String(sequence).padStart(24, '0')}`;
      streams.set(name, new FakeStream(name, count, region, first));
    }
    this.state = {
      streams,
      store: opts.store ?? true,
      maxRecordsPerRequest: opts.maxRecordsPerRequest ?? 500,
      maxRecordBytes: opts.maxRecordBytes ?? 1024 * 1024,
      maxRequestBytes: opts.maxRequestBytes ?? 5 * 1024 * 1024,
      admit: admitterFor(opts.throttle),
      stats: this.stats,
      nextSequenceNumber,
    };
    this.clockOffsetMs = opts.clockOffsetMs ?? 0;
    this.secrets = opts.verifySignatures
      ? new Map(opts.verifySignatures.map((k) => [k.accessKeyId, k.secretAccessKey]))
      : undefined;
  }

  static async start(opts: FakeKinesisOptions): Promise<FakeKinesis> {
    let fake: FakeKinesis | undefined;
    const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      fake?.receive(req, res);
    });
    await listenLocally(server);
    fake = new FakeKinesis(server, opts.region ?? 'us-east-1', opts);
    return fake;
  }

  /**
   * Queues a fault for the next `times` PutRecords requests (default 1). With `probability`, each
   * of those requests suffers it with that chance; without `times` such a fault stays until
   * clearFaults(). Queued faults apply one after another, in the order they were injected.
   */
  injectFaults(fault: Fault, opts: { times?: number; probability?: number } = {}): void {
    const probability = opts.probability ?? 1;
    const remaining = opts.times ?? (opts.probability === undefined ? 1 : Number.POSITIVE_INFINITY);
    this.faults.push({ fault, remaining, probability });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Answers every stalled request now, so a test decides when a stall ends. */
  releaseStalls(): void {
    for (const [timer, answer] of [...this.timers]) {
      clearTimeout(timer);
      answer();
    }
  }

  /** Replaces the keys whose signatures are accepted (only when started with verifySignatures). */
  setAcceptedCredentials(keys: { accessKeyId: string; secretAccessKey: string }[]): void {
    if (!this.secrets) throw new Error('FakeKinesis was started without verifySignatures');
    this.secrets.clear();
    for (const k of keys) this.secrets.set(k.accessKeyId, k.secretAccessKey);
  }

  /** Accepted records of a stream, in order of acceptance. */
  records(stream: string): StoredRecord[] {
    return [...this.stream(stream).log];
  }

  shards(stream: string): ShardInfo[] {
    return this.stream(stream).shards.map((s) => ({ ...s.info }));
  }

  async stop(): Promise<void> {
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    await stopServer(this.server);
  }

  private stream(name: string): FakeStream {
    const s = this.state.streams.get(name);
    if (!s) throw new Error(`FakeKinesis has no stream ${name}`);
    return s;
  }

  private nextFault(): Fault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    if (--head.remaining <= 0) this.faults.shift();
    return Math.random() < head.probability ? head.fault : undefined;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.dispatch(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      } catch (err) {
        if (err instanceof KinesisError) this.sendError(res, err.status, err.type, err.message);
        else this.sendError(res, 500, 'InternalFailure', String(err));
      }
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    this.stats.byOperation[op] = (this.stats.byOperation[op] ?? 0) + 1;
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      throw new KinesisError('UnknownOperationException', `Unknown operation ${target}`);
    }
    if (this.secrets) {
      const rejected =
        checkSigV4(req, body, this.secrets, this.region) ?? checkSigningTime(req, this.now());
      if (rejected) {
        this.onSignatureRejected?.(op, rejected);
        throw new KinesisError(rejected.type, rejected.message, 400);
      }
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
    } catch {
      throw new KinesisError(
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
    }
    if (input.StreamARN !== undefined) {
      this.stats.byStreamArn[op] = (this.stats.byStreamArn[op] ?? 0) + 1;
    }
    this.onRequest?.(op, req, input);
    const raw = this.respond?.(op, input);
    if (raw) {
      if (!res.destroyed) {
        res.writeHead(raw.status, { 'content-type': JSON_TYPE, ...raw.headers });
        res.end(raw.body);
      }
      return;
    }
    if (op === 'PutRecords') {
      this.putRecords(req, res, input);
      return;
    }
    const handler = HANDLERS[op];
    if (!handler) throw new KinesisError('UnknownOperationException', `Unknown operation ${op}`);
    this.send(res, handler(this.state, input));
  }

  private putRecords(
    req: IncomingMessage,
    res: ServerResponse,
    input: Record<string, unknown>,
  ): void {
    this.stats.putRecordsCalls++;
    // Answered, or given up by the client (which closes the connection): no longer in flight.
    this.putRecordsInFlight++;
    this.inFlightAtArrival.push(this.putRecordsInFlight);
    res.once('close', () => this.putRecordsInFlight--);
    const fault = this.nextFault();
    if (fault) this.stats.faultsApplied++;
    switch (fault?.kind) {
      case 'status': {
        const type =
          fault.errorType ?? (fault.status === 503 ? 'ServiceUnavailable' : 'InternalFailure');
        this.sendError(
          res,
          fault.status,
          type,
          fault.message ?? `Injected ${fault.status} ${type}.`,
        );
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        this.sendRaw(res, 200, '{"FailedRecordCount":0,"Records":[{"SequenceNumber":"4');
        return;
    }
    const partial = fault?.kind === 'partial' ? fault : undefined;
    let injected: ((i: number, n: number) => string | undefined) | undefined;
    if (partial) {
      const code = partial.errorCode ?? 'InternalFailure';
      injected = (i, n) => {
        // Spread round(fraction·n) failures evenly over the request.
        const k = Math.round(Math.min(1, Math.max(0, partial.fraction)) * n);
        return Math.floor(((i + 1) * k) / n) > Math.floor((i * k) / n) ? code : undefined;
      };
    }
    const out = putRecords(this.state, input, injected);
    if (fault?.kind === 'count-mismatch') out.Records.pop();
    if (fault?.kind === 'wrong-shard') {
      const stream = this.stream(
        String(input.StreamName ?? String(input.StreamARN).split('/').pop()),
      );
      const n = stream.shards.length;
      for (const r of out.Records) {
        if (!r.ShardId) continue;
        const index = Number(r.ShardId.slice(r.ShardId.indexOf('-') + 1));
        // With one shard there is no other: name one that does not exist.
        r.ShardId = `shardId-${String(n === 1 ? 1 : (index + 1) % n).padStart(12, '0')}`;
      }
    }
    if (fault?.kind === 'stall') {
      const answer = () => {
        this.timers.delete(timer);
        if (!res.destroyed) this.send(res, out);
      };
      const timer = setTimeout(answer, fault.ms);
      this.timers.set(timer, answer);
      return;
    }
    this.send(res, out);
  }

  private send(res: ServerResponse, body: unknown): void {
    this.sendRaw(res, 200, JSON.stringify(body));
  }

  private sendError(res: ServerResponse, status: number, type: string, message: string): void {
    res.setHeader('x-amzn-errortype', type);
    this.sendRaw(res, status, JSON.stringify({ __type: type, message }));
  }

  /** The fake's own wall-clock time (see clockOffsetMs). */
  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private sendRaw(res: ServerResponse, status: number, body: string): void {
    if (res.destroyed) return;
    res.writeHead(status, {
      date: new Date(this.now()).toUTCString(),
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': `fake-${++this.requestIds}`,
    });
    res.end(body);
  }
}
