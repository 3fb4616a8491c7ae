// A CloudWatch endpoint on 127.0.0.1 that takes PutMetricData as @aws-sdk/client-cloudwatch 3.x
// really sends it: awsJson1_0 with query compatibility (content-type application/x-amz-json-1.0,
// x-amz-target GraniteServiceVersion20100801.PutMetricData, x-amzn-query-mode: true), SigV4
// for the service "monitoring". It checks the signature and the service's request limits,
// keeps what it accepted, and can fail requests on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocally, onBody, stopServer } from './http-server.js';
import { checkSigV4 } from './sigv4-check.js';

export const PUT_METRIC_DATA_TARGET = 'GraniteServiceVersion20100801.PutMetricData';
const JSON_TYPE = 'application/x-amz-json-1.0';

/** The service's limits per request (API reference, PutMetricData). */
export const CLOUDWATCH_LIMITS = { maxData: 1000, maxBytes: 1_000_000, maxDimensions: 30 };

export interface ReceivedDatum {
  name: string;
  /** Dimensions in the order they were sent. */
  dimensions: [string, string][];
  sum: number;
  min: number;
  max: number;
  sampleCount: number;
  unit: string;
  timestamp: Date;
}

export interface ReceivedRequest {
  namespace: string;
  accessKeyId: string;
  bytes: number;
  data: ReceivedDatum[];
}

export interface FakeCloudWatchOptions {
  region?: string;
  /** Only these keys sign acceptably. */
  credentials: { accessKeyId: string; secretAccessKey: string }[];
}

export class FakeCloudWatch {
  readonly endpoint: string;
  /** Accepted requests, in order. */
  readonly requests: ReceivedRequest[] = [];
  /** Requests refused, with the reason given. */
  readonly refused: { type: string; message: string }[] = [];
  private failures: { status: number; type: string; remaining: number }[] = [];
  private readonly secrets: Map<string, string>;

  private constructor(
    private readonly server: Server,
    private readonly region: string,
    opts: FakeCloudWatchOptions,
  ) {
    const address = server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${address.port}`;
    this.secrets = new Map(opts.credentials.map((k) => [k.accessKeyId, k.secretAccessKey]));
  }

  static async start(opts: FakeCloudWatchOptions): Promise<FakeCloudWatch> {
    let fake: FakeCloudWatch | undefined;
    const server = createServer((req, res) => fake?.receive(req, res));
    await listenLocally(server);
    fake = new FakeCloudWatch(server, opts.region ?? 'us-east-1', opts);
    return fake;
  }

  /** The next `times` requests fail with this status and error type, before anything else. */
  failNext(times: number, status = 500, type = 'InternalServiceError'): void {
    this.failures.push({ status, type, remaining: times });
  }

  /** Every datum accepted, optionally of one namespace. */
  data(namespace?: string): ReceivedDatum[] {
    return this.requests
      .filter((r) => namespace === undefined || r.namespace === namespace)
      .flatMap((r) => r.data);
  }

  async stop(): Promise<void> {
    await stopServer(this.server);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    onBody(req, (body) => {
      try {
        this.handle(req, res, body);
      } catch (err) {
        this.fail(res, 500, 'InternalServiceError', String(err));
      }
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (
      req.method !== 'POST' ||
      req.headers['x-amz-target'] !== PUT_METRIC_DATA_TARGET ||
      req.headers['content-type'] !== JSON_TYPE ||
      req.headers['x-amzn-query-mode'] !== 'true'
    ) {
      const what = `${req.method} ${req.headers['x-amz-target']} ${req.headers['content-type']}`;
      this.fail(res, 400, 'UnknownOperationException', `Not a PutMetricData request: ${what}`);
      return;
    }
    const rejected = checkSigV4(req, body, this.secrets, this.region, 'monitoring');
    if (rejected) {
      this.fail(
        res,
        rejected.type === 'UnrecognizedClientException' ? 403 : 400,
        rejected.type,
        rejected.message,
      );
      return;
    }
    const injected = this.failures[0];
    if (injected) {
      if (--injected.remaining <= 0) this.failures.shift();
      this.fail(
        res,
        injected.status,
        injected.type,
        `Injected ${injected.status} ${injected.type}`,
      );
      return;
    }
    const input = JSON.parse(body.toString('utf8')) as {
      Namespace?: string;
      MetricData?: Record<string, unknown>[];
    };
    const problem = invalid(input, body.length);
    if (problem) {
      this.fail(res, 400, 'InvalidParameterValue', problem);
      return;
    }
    const akid = String(req.headers.authorization).split('Credential=')[1]!.split('/')[0]!;
    this.requests.push({
      namespace: input.Namespace!,
      accessKeyId: akid,
      bytes: body.length,
      data: input.MetricData!.map(decodeDatum),
    });
    res.writeHead(200, { 'content-type': JSON_TYPE, 'x-amzn-requestid': 'fake' });
    res.end('{}');
  }

  private fail(res: ServerResponse, status: number, type: string, message: string): void {
    this.refused.push({ type, message });
    const body = JSON.stringify({ __type: type, message });
    res.writeHead(status, {
      'content-type': JSON_TYPE,
      'x-amzn-query-error': `${type};Sender`,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}

function invalid(
  input: { Namespace?: string; MetricData?: Record<string, unknown>[] },
  bytes: number,
): string | undefined {
  if (!input.Namespace) return 'The parameter Namespace is required.';
  if (!Array.isArray(input.MetricData) || input.MetricData.length === 0)
    return 'The parameter MetricData is required.';
  if (input.MetricData.length > CLOUDWATCH_LIMITS.maxData)
    return `The collection MetricData must not have a size greater than ${CLOUDWATCH_LIMITS.maxData}.`;
  if (bytes > CLOUDWATCH_LIMITS.maxBytes) return `Request size ${bytes} exceeded 1000000 bytes`;
  for (const d of input.MetricData) {
    const dims = (d.Dimensions ?? []) as unknown[];
    if (dims.length > CLOUDWATCH_LIMITS.maxDimensions)
      return `The collection Dimensions must not have a size greater than ${CLOUDWATCH_LIMITS.maxDimensions}.`;
    const s = d.StatisticValues as Record<string, unknown> | undefined;
    if (!s) return 'The parameter MetricData.member.StatisticValues is required here.';
    for (const k of ['Sum', 'Minimum', 'Maximum', 'SampleCount']) {
      if (typeof s[k] !== 'number' || !Number.isFinite(s[k]))
        return `The parameter StatisticValues.${k} must be a finite number.`;
    }
  }
  return undefined;
}

function decodeDatum(d: Record<string, unknown>): ReceivedDatum {
  const s = d.StatisticValues as Record<string, number>;
  const dims = (d.Dimensions ?? []) as { Name: string; Value: string }[];
  return {
    name: String(d.MetricName),
    dimensions: dims.map((x) => [x.Name, x.Value]),
    sum: s.Sum!,
    min: s.Minimum!,
    max: s.Maximum!,
    sampleCount: s.SampleCount!,
    unit: String(d.Unit),
    // awsJson1_0 writes timestamps as epoch seconds.
    timestamp: new Date(Number(d.Timestamp) * 1000),
  };
}
