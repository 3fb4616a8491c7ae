// The data path to Kinesis: PutRecords bodies written straight into one Buffer, signed, and sent
// on a keep-alive connection pool. The SDK stays on the control plane, where its cost is moot.

import { isStreamArn, RecordErrorCode } from '@kinesis-producer/protocol';
import { createDispatcher } from '@kinesis-producer/transport';
import type { Dispatcher } from 'undici';
import { now } from './clock.js';
import type { DaemonConfig } from './config.js';
import { capText } from './contained-error.js';
import type { CredentialsHolder } from './credentials-holder.js';
import { log } from './log.js';
import { RequestWindow } from './request-window.js';
import { kinesisOrigin } from './service-origins.js';
import { createSigner, type Signer } from './signer.js';

export interface PutRecordsEntry {
  data(): Buffer;
  partitionKey(): string;
  explicitHashKey(): string;
}

export type EntryResult =
  | { sequenceNumber: string; shardId: string; errorCode?: undefined }
  | { errorCode: string; errorMessage: string };

export type PutRecordsOutcome =
  | { ok: true; records: EntryResult[] }
  | {
      ok: false;
      code: string;
      message: string;
      status: number;
      /** The service refused the signature's time, and the signer now uses the service's clock. */
      clockCorrected?: boolean;
    };

/** Signature errors that may mean only that this host's clock is off. */
const CLOCK_ERRORS = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'RequestInTheFuture',
]);
/** SigV4 accepts a signature dated within 5 minutes of the service's time. */
const SKEW_TOLERANCE_MS = 5 * 60_000;

/**
 * Largest answer read: 500 entries of a successful PutRecords take about 60 KiB. A bigger body is
 * not an answer Kinesis gives, and reading it whole would let one reply hold any amount of memory.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Longest error code, shard id or sequence number taken from an answer (real ones are < 64). */
const MAX_FIELD = 128;

const TARGET = 'Kinesis_20131202.PutRecords';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export class PutRecordsClient {
  private readonly dispatcher: Dispatcher;
  private readonly signer: Signer;
  private readonly url: URL;
  /**
   * The service's clock minus ours, learnt from the Date of a response that refused a signature's
   * time: a host whose clock is off still signs with a time the service accepts.
   */
  private clockOffset = 0;
  /** How many requests may be in flight now: shared by every stream, as the pool is. */
  readonly window: RequestWindow;

  constructor(
    private readonly c: DaemonConfig,
    /** Read by the pipelines, which hold requests while there are none. */
    readonly credentials: CredentialsHolder,
    private readonly userAgent: string,
  ) {
    this.url = kinesisOrigin(c);
    this.signer = createSigner('kinesis', c.region, credentials);
    this.dispatcher = createDispatcher(c, this.url);
    this.window = new RequestWindow({ max: c.maxConnections, now });
  }

  /**
   * Sends one request once the window allows it (see RequestWindow): a request that times out
   * narrows the window for those that follow, answers in time widen it again.
   */
  async putRecords(
    stream: string,
    streamId: string | undefined,
    entries: readonly PutRecordsEntry[],
  ): Promise<PutRecordsOutcome> {
    const sentAt = await this.window.acquire();
    let outcome: PutRecordsOutcome | undefined;
    try {
      outcome = await this.send(stream, streamId, entries);
      return outcome;
    } finally {
      this.window.done(
        sentAt,
        outcome?.ok === false && outcome.code === RecordErrorCode.requestTimeout,
      );
    }
  }

  private async send(
    stream: string,
    streamId: string | undefined,
    entries: readonly PutRecordsEntry[],
  ): Promise<PutRecordsOutcome> {
    const body = buildBody(stream, streamId, entries);
    let status = 0;
    // A deadline for the whole exchange: undici's own timeouts restart with every byte, so an
    // endpoint trickling its answer would hold the request (and its records) indefinitely.
    const deadline = AbortSignal.timeout(this.c.requestTimeout);
    try {
      const signed = await this.signer.sign(
        {
          method: 'POST',
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port ? Number(this.url.port) : undefined,
          path: '/',
          query: {},
          headers: {
            host: this.url.host,
            'content-type': CONTENT_TYPE,
            'x-amz-target': TARGET,
            'content-length': String(body.length),
          },
          body,
        },
        // Wall-clock time on purpose: the signature's date is read by the service.
        { signingDate: new Date(Date.now() + this.clockOffset) },
      );
      signed.headers['user-agent'] = this.userAgent;
      const res = await this.dispatcher.request({
        origin: this.url.origin,
        path: '/',
        method: 'POST',
        headers: signed.headers,
        body,
        headersTimeout: this.c.requestTimeout,
        bodyTimeout: this.c.requestTimeout,
        signal: deadline,
      });
      status = res.statusCode;
      const text = await readCapped(res.body, MAX_RESPONSE_BYTES);
      if (text === undefined) {
        return {
          ok: false,
          status,
          code: RecordErrorCode.responseTooLarge,
          message: `the answer (HTTP ${status}) was larger than ${MAX_RESPONSE_BYTES} bytes`,
        };
      }
      if (status === 200) return parseSuccess(text, entries.length);
      const error = parseError(text, res.headers['x-amzn-errortype']);
      const clockCorrected =
        CLOCK_ERRORS.has(error.code) && this.correctClock(res.headers.date, error.code);
      return { ok: false, status, ...error, clockCorrected };
    } catch (err) {
      if (deadline.aborted) {
        return {
          ok: false,
          status,
          code: RecordErrorCode.requestTimeout,
          message: `no complete answer within requestTimeout (${this.c.requestTimeout} ms)`,
        };
      }
      return { ok: false, status, ...transportError(err) };
    }
  }

  /**
   * After a signature error: when the response's Date is further from our clock than SigV4
   * tolerates, sign from now on with the service's time. True when the offset changed.
   */
  private correctClock(date: unknown, code: string): boolean {
    const server = typeof date === 'string' ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(server)) return false;
    const ours = Date.now() + this.clockOffset;
    if (Math.abs(server - ours) < SKEW_TOLERANCE_MS) return false;
    this.clockOffset = server - Date.now();
    log.warn(
      `Kinesis refused a signature (${code}); this host's clock is ${Math.round(this.clockOffset / 1000)} s off the service's, signing with the service's time from now on`,
    );
    return true;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

// JSON-safe without escaping: printable ASCII other than quote and backslash.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** The request body, laid out once into a Buffer of the exact size. */
export function buildBody(
  stream: string,
  streamId: string | undefined,
  entries: readonly PutRecordsEntry[],
): Buffer {
  const head =
    `{"${isStreamArn(stream) ? 'StreamARN' : 'StreamName'}":${jsonString(stream)}` +
    (streamId ? `,"StreamId":${jsonString(streamId)}` : '') +
    ',"Records":[';
  const n = entries.length;
  const data = new Array<string>(n);
  const keys = new Array<string>(n);
  let size = Buffer.byteLength(head) + 2;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    data[i] = e.data().toString('base64');
    keys[i] =
      `,"PartitionKey":${jsonString(e.partitionKey())},"ExplicitHashKey":"${e.explicitHashKey()}"}`;
    // {"Data":" + data + " + keys + separator
    size += 9 + data[i]!.length + 1 + Buffer.byteLength(keys[i]!) + (i > 0 ? 1 : 0);
  }
  const buf = Buffer.allocUnsafe(size);
  let o = buf.write(head, 0, 'utf8');
  for (let i = 0; i < n; i++) {
    if (i > 0) buf[o++] = 0x2c;
    o += buf.write('{"Data":"', o, 'latin1');
    o += buf.write(data[i]!, o, 'latin1');
    buf[o++] = 0x22;
    o += buf.write(keys[i]!, o, 'utf8');
  }
  buf[o++] = 0x5d;
  buf[o++] = 0x7d;
  return buf;
}

/** The body as text, or undefined once it passes `cap` bytes (the rest is not read). */
async function readCapped(body: Dispatcher.ResponseData['body'], cap: number) {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > cap) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n).toString('utf8');
}

function field(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v ?? '');
  return s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
}

function parseSuccess(text: string, sent: number): PutRecordsOutcome {
  let parsed: { Records?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed(`response is not JSON: ${capText(text, 120)}`);
  }
  const recs = parsed?.Records;
  if (!Array.isArray(recs)) return malformed('response has no Records array');
  const out = new Array<EntryResult>(recs.length);
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i] as Record<string, unknown> | null;
    if (r && typeof r.SequenceNumber === 'string' && r.SequenceNumber !== '') {
      out[i] = { sequenceNumber: field(r.SequenceNumber), shardId: field(r.ShardId) };
    } else if (r && typeof r.ErrorCode === 'string') {
      // Copied into the result of every record of the entry: capped.
      out[i] = {
        errorCode: field(r.ErrorCode),
        errorMessage: capText(String(r.ErrorMessage ?? '')),
      };
    } else {
      return malformed(`entry ${i} of ${sent} has neither SequenceNumber nor ErrorCode`);
    }
  }
  return { ok: true, records: out };
}

function malformed(message: string): PutRecordsOutcome {
  return { ok: false, status: 200, code: RecordErrorCode.malformedResponse, message };
}

function parseError(text: string, header: unknown): { code: string; message: string } {
  let code = typeof header === 'string' ? header.split(':')[0]! : '';
  let message = '';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (!code && typeof body.__type === 'string') code = body.__type;
    message = String(body.message ?? body.Message ?? '');
  } catch {
    message = capText(text, 200);
  }
  code = field(code.slice(code.lastIndexOf('#') + 1));
  return { code: code || RecordErrorCode.unknownError, message: capText(message) };
}

function transportError(err: unknown): { code: string; message: string } {
  const e = err as { code?: string; message?: string; name?: string };
  const message = capText(e?.message ?? String(err));
  switch (e?.code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { code: RecordErrorCode.requestTimeout, message };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: RecordErrorCode.connectTimeout, message };
    case undefined:
      return { code: e?.name || RecordErrorCode.networkingError, message };
    default:
      return { code: RecordErrorCode.networkingError, message: `${e.code}: ${message}` };
  }
}
