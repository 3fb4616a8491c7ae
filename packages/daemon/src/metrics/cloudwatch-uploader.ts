// The upload schedule (docs/metrics.md, "CloudWatch"): every MetricsUploadDelay, the complete seconds since the
// previous upload go out as PutMetricData requests. Requests wait in a bounded queue and are
// sent one at a time, off the data path; a failure is logged and retried with backoff, and a
// request that keeps failing is dropped. Nothing here can throw into the daemon.

import { type BackoffPolicy, backoffDelay } from '@kinesis-producer/transport';
import { now } from '../clock.js';
import { log } from '../log.js';
import { classify, credentialsRefused } from '../retry-policy.js';
import type { PutMetricData } from './cloudwatch-client.js';
import type { Granularity, MetricsLevel } from './metric-names.js';
import type { MetricsRegistry } from './metrics-registry.js';
import { batchData, buildData, type Datum } from './upload-data.js';

export interface UploaderOptions {
  namespace: string;
  /** Milliseconds between uploads. */
  delay: number;
  level: MetricsLevel;
  granularity: Granularity;
  /** Backoff between tries of one request. */
  backoff?: BackoffPolicy;
  /** Tries per request before it is dropped. */
  maxAttempts?: number;
  /** Requests kept waiting at most; the oldest go first when more pile up. */
  maxQueued?: number;
}

interface Request {
  data: Datum[];
  failures: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { base: 1000, max: 30_000 };

export class CloudWatchUploader {
  private readonly queue: Request[] = [];
  private readonly backoff: BackoffPolicy;
  private readonly maxAttempts: number;
  private readonly maxQueued: number;
  private readonly started: number;
  private ticks = 0;
  /** The last second already uploaded. */
  private uploadedTo = Number.NEGATIVE_INFINITY;
  private tickTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly o: UploaderOptions,
    private readonly client: PutMetricData,
    private readonly clock: () => number = now,
  ) {
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.maxQueued = o.maxQueued ?? 100;
    this.started = clock();
    this.schedule();
  }

  /** Requests waiting to be sent or retried. */
  get queued(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.retryTimer);
    this.queue.length = 0;
    this.client.destroy();
  }

  /** Takes the complete seconds not yet uploaded and queues their requests. */
  upload(): void {
    const to = Math.floor(this.clock() / 1000) - 1;
    if (to <= this.uploadedTo) return;
    let data: Datum[];
    try {
      data = buildData(
        this.registry,
        this.o.level,
        this.o.granularity,
        this.uploadedTo,
        to,
        new Date(),
      );
    } catch (err) {
      log.error(`metrics upload skipped: ${(err as Error).stack ?? err}`);
      return;
    }
    this.uploadedTo = to;
    if (data.length === 0) return;
    for (const batch of batchData(this.o.namespace, data))
      this.queue.push({ data: batch, failures: 0 });
    if (this.queue.length > this.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.maxQueued);
      log.warn(
        `CloudWatch is not keeping up: dropped ${dropped.length} metrics request(s) of the oldest uploads`,
      );
    }
    this.pump();
  }

  // Fixed rate from the start, so delays do not add up; a tick that comes late skips the
  // slots it missed instead of firing them all at once.
  private schedule(): void {
    if (this.closed) return;
    const t = this.clock();
    this.ticks = Math.max(this.ticks + 1, Math.floor((t - this.started) / this.o.delay) + 1);
    const due = this.started + this.ticks * this.o.delay;
    this.tickTimer = setTimeout(() => {
      this.upload();
      this.schedule();
    }, due - t);
    this.tickTimer.unref();
  }

  private pump(): void {
    if (this.sending || this.closed || this.retryTimer) return;
    const req = this.queue[0];
    if (!req) return;
    this.sending = true;
    this.client.send(this.o.namespace, req.data).then(
      () => {
        this.sending = false;
        if (this.queue[0] === req) this.queue.shift();
        log.debug(`uploaded ${req.data.length} metric data to CloudWatch`);
        this.pump();
      },
      (err: unknown) => {
        this.sending = false;
        this.failed(req, err);
      },
    );
  }

  private failed(req: Request, err: unknown): void {
    if (this.closed) return;
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = e?.name || 'Error';
    const status = e?.$metadata?.httpStatusCode ?? 0;
    const why = `${code}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`;
    req.failures++;
    // A request CloudWatch refuses as invalid fails the same way every time.
    const hopeless = status >= 400 && status < 500 && !retryable(code, status);
    if (hopeless || req.failures >= this.maxAttempts) {
      if (this.queue[0] === req) this.queue.shift();
      log.error(
        `CloudWatch PutMetricData failed ${req.failures} time(s), dropped ${req.data.length} metric data: ${why}`,
      );
      this.pump();
      return;
    }
    const delay = backoffDelay(this.backoff, req.failures);
    log.warn(
      `CloudWatch PutMetricData failed (try ${req.failures} of ${this.maxAttempts}), again in ${Math.round(delay)} ms: ${why}`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
    this.retryTimer.unref();
  }
}

/** Throttling, credentials that may rotate, and timeouts can pass on a later try. */
function retryable(code: string, status: number): boolean {
  if (status === 408 || status === 429) return true;
  if (/Throttl|LimitExceeded|Timeout/i.test(code)) return true;
  if (credentialsRefused(code)) return true;
  const cls = classify(code, status);
  return cls !== 'client' && cls !== 'fatal';
}
