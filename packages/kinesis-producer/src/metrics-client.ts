// The wrapper's side of metrics: getMetrics as MetricsRequest/MetricsResponse frames, and
// snapshots taken on an interval for applications that feed their own monitoring.

import type { Logger } from '@kinesis-producer/options';
import {
  type Message,
  type Metric as MetricMessage,
  metricsRequestMessage,
} from '@kinesis-producer/protocol';
import { ValidationError } from './errors.js';

/** One node of the KPL's metric tree: a metric name at one set of dimensions. */
export interface Metric {
  /** The metric's name, for example `UserRecordsPut`. */
  name: string;
  /**
   * The dimensions below the name, in hierarchy order: for example `{}` (all streams),
   * `{ StreamName }`, `{ StreamName, ShardId }`, or `{ ErrorCode, StreamName }`.
   */
  dimensions: Readonly<Record<string, string>>;
  sum: number;
  mean: number;
  sampleCount: number;
  min: number;
  max: number;
  /** Seconds covered: the window asked for, or the time since the metric was first recorded. */
  duration: number;
}

export interface MetricsSnapshot {
  /** When the snapshot was taken (wall clock). */
  at: Date;
  /** The window each figure covers; undefined for totals since the producer started. */
  windowSeconds: number | undefined;
  metrics: Metric[];
}

export interface MetricsObserverOptions {
  /** Milliseconds between snapshots; default 10000, at least 100. */
  intervalMs?: number;
  /** Only this metric; default all. */
  name?: string;
  /** Figures over the last N seconds (1 to 60) instead of totals since start. */
  windowSeconds?: number;
  /** Ends the observation. */
  signal?: AbortSignal;
}

/** The longest window the daemon keeps seconds for. */
export const MAX_WINDOW_SECONDS = 60;
const DEFAULT_INTERVAL_MS = 10_000;

interface Pending {
  resolve(m: Metric[]): void;
  reject(e: Error): void;
}

export class MetricsClient {
  private readonly pending = new Map<bigint, Pending>();
  private readonly wakers = new Set<() => void>();
  private nextId = 1n;
  private failure: Error | undefined;

  constructor(
    private readonly send: (m: Message) => void,
    /** Told whether requests are waiting, so the daemon's pipes keep the process alive. */
    private readonly setBusy: (busy: boolean) => void,
    private readonly logger: Logger,
    /** The wrapper's own metrics (a daemon's figures start afresh with it; these do not). */
    private readonly own: (
      name: string | undefined,
      windowSeconds: number | undefined,
    ) => Metric[] = () => [],
  ) {}

  /** Whether requests are waiting for an answer. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  request(name?: string, windowSeconds?: number): Promise<Metric[]> {
    if (this.failure) return Promise.reject(this.failure);
    try {
      checkArguments(name, windowSeconds);
    } catch (err) {
      return Promise.reject(err);
    }
    const id = this.nextId++;
    const window = windowSeconds !== undefined && windowSeconds > 0 ? windowSeconds : undefined;
    const promise = new Promise<Metric[]>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (daemon) => resolve([...daemon, ...this.own(name || undefined, window)]),
        reject,
      });
    });
    if (this.pending.size === 1) this.setBusy(true);
    const seconds = window !== undefined ? BigInt(window) : undefined;
    this.send(metricsRequestMessage(id, name || undefined, seconds));
    return promise;
  }

  /** Takes a MetricsResponse; false for any other message. */
  onMessage(m: Message): boolean {
    const a = m.actualMessage;
    if (a.case !== 'metricsResponse') return false;
    const p = this.pending.get(m.sourceId);
    if (!p) {
      this.logger.warn?.(`kinesis-producer: a metrics response for unknown request ${m.sourceId}`);
      return true;
    }
    this.pending.delete(m.sourceId);
    if (this.pending.size === 0) this.setBusy(false);
    p.resolve(a.value.metrics.map(toMetric));
    return true;
  }

  /** The daemon is gone: every request waiting rejects with `err`, and observers end. */
  fail(err: Error): void {
    this.failure ??= err;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(err);
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Snapshots every `intervalMs` until the producer stops or `signal` aborts. The next
   * snapshot is taken only when the consumer asks for it, so a slow consumer never piles up.
   */
  snapshots(options: MetricsObserverOptions = {}): AsyncGenerator<MetricsSnapshot> {
    return this.generate(checkObserver(options), options);
  }

  private async *generate(
    interval: number,
    { name, windowSeconds, signal }: MetricsObserverOptions,
  ): AsyncGenerator<MetricsSnapshot> {
    const window = windowSeconds !== undefined && windowSeconds > 0 ? windowSeconds : undefined;
    for (;;) {
      await this.sleep(interval, signal);
      if (this.failure || signal?.aborted) return;
      let metrics: Metric[];
      try {
        metrics = await this.request(name, windowSeconds);
      } catch {
        return; // the producer stopped while the request was out
      }
      yield { at: new Date(), windowSeconds: window, metrics };
    }
  }

  /** Calls `listener` with each snapshot; the returned function stops it. */
  subscribe(
    listener: (s: MetricsSnapshot) => void,
    options: MetricsObserverOptions = {},
  ): () => void {
    const interval = checkObserver(options);
    const stop = new AbortController();
    const outer = options.signal;
    const onAbort = () => stop.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      for await (const s of this.generate(interval, { ...options, signal: stop.signal })) {
        try {
          listener(s);
        } catch (err) {
          this.logger.error?.(`kinesis-producer: a metrics listener threw: ${err}`);
        }
      }
      outer?.removeEventListener('abort', onAbort);
    })();
    return () => stop.abort();
  }

  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.failure || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // An observer alone must not keep the application running.
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * A count kept by the wrapper, shaped as the daemon's counts are: one sample of 1 per event.
 * `duration` is the window asked for, or the seconds since counting began.
 */
export function countMetric(name: string, count: number, duration: number): Metric {
  const one = count > 0 ? 1 : 0;
  return {
    name,
    dimensions: {},
    sum: count,
    mean: one,
    sampleCount: count,
    min: one,
    max: one,
    duration,
  };
}

function toMetric(m: MetricMessage): Metric {
  const dimensions: Record<string, string> = {};
  for (const d of m.dimensions) dimensions[d.key] = d.value;
  const s = m.stats!;
  return {
    name: m.name,
    dimensions,
    sum: s.sum,
    mean: s.mean,
    sampleCount: s.count,
    min: s.min,
    max: s.max,
    duration: Number(m.seconds),
  };
}

function checkArguments(name: unknown, windowSeconds: unknown): void {
  if (name !== undefined && typeof name !== 'string') {
    throw new ValidationError('name', name, 'a metric name (string) or undefined is required');
  }
  if (windowSeconds === undefined) return;
  // As in the KPL, zero or less means totals since start.
  if (
    typeof windowSeconds !== 'number' ||
    !Number.isInteger(windowSeconds) ||
    windowSeconds > MAX_WINDOW_SECONDS
  ) {
    throw new ValidationError(
      'windowSeconds',
      windowSeconds,
      `an integer from 1 to ${MAX_WINDOW_SECONDS} (or 0 or undefined for totals since start) is required`,
    );
  }
}

function checkObserver(o: MetricsObserverOptions): number {
  const interval = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isInteger(interval) || interval < 100) {
    throw new ValidationError('intervalMs', o.intervalMs, 'an integer of at least 100 is required');
  }
  checkArguments(o.name, o.windowSeconds);
  return interval;
}
