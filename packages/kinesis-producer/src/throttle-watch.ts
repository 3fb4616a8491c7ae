// Sustained throttling per stream, from the daemon's own metrics. The daemon already counts
// every throttled Kinesis record (ErrorsByCode, per stream); the wrapper asks for the last few
// seconds of that once a second, and only while someone listens. A stream is reported once it
// has been throttled for SUSTAINED_MS with no quiet window in between, and reported again as
// ended at the first window without throttling. A short burst, which the daemon's adaptive
// rate limit absorbs by itself, is not reported.
import type { LifecycleEvents } from './lifecycle-events.js';
import type { Metric } from './metrics-client.js';

/** The codes Kinesis answers a record with when the stream (or its key) is over its limits. */
const THROTTLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
]);

export const THROTTLE_WATCH = {
  pollMs: 1000,
  /** Longer than the default largest retry backoff, so a throttled stream shows in every window. */
  windowSeconds: 10,
  sustainedMs: 5000,
};

export interface ThrottleReport {
  throttling(streamName: string, throttledRecords: number, throttledForMs: number): void;
  ended(streamName: string, throttledForMs: number): void;
}

/** Throttled records per stream in one answer to a request for ErrorsByCode. */
export function throttledByStream(metrics: Metric[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metrics) {
    const { ErrorCode, StreamName, ShardId } = m.dimensions;
    // The stream level only: the shard level below it counts the same records again.
    if (m.name !== 'ErrorsByCode' || !StreamName || ShardId !== undefined) continue;
    if (!ErrorCode || !THROTTLE_CODES.has(ErrorCode) || m.sum <= 0) continue;
    out.set(StreamName, (out.get(StreamName) ?? 0) + m.sum);
  }
  return out;
}

export class ThrottleWatch {
  /** Streams throttled in every window since, and whether they were reported. */
  private readonly streams = new Map<string, { since: number; reported: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly poll: (windowSeconds: number) => Promise<Metric[]>,
    private readonly report: ThrottleReport,
    /** Whether anyone listens; no poll otherwise. */
    private readonly wanted: () => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), THROTTLE_WATCH.pollMs);
    // Watching is never a reason to keep the application running.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one window's throttled counts per stream, seen at the current time. */
  update(throttled: Map<string, number>): void {
    const t = this.now();
    for (const [stream, count] of throttled) {
      let s = this.streams.get(stream);
      if (!s) this.streams.set(stream, (s = { since: t, reported: false }));
      if (!s.reported && t - s.since >= THROTTLE_WATCH.sustainedMs) {
        s.reported = true;
        this.report.throttling(stream, count, t - s.since);
      }
    }
    for (const [stream, s] of this.streams) {
      if (throttled.has(stream)) continue;
      this.streams.delete(stream);
      if (s.reported) this.report.ended(stream, t - s.since);
    }
  }

  private async tick(): Promise<void> {
    if (this.polling) return;
    if (!this.wanted()) {
      // Nobody listens: an episode seen by nobody need not be ended for anyone.
      this.streams.clear();
      return;
    }
    this.polling = true;
    try {
      this.update(throttledByStream(await this.poll(THROTTLE_WATCH.windowSeconds)));
    } catch {
      // The producer stopped while the request was out: stop() follows.
    } finally {
      this.polling = false;
    }
  }
}

/** A started watch that tells `events` (throttling, throttlingEnded) while anyone listens. */
export function watchThrottling(
  events: LifecycleEvents,
  poll: (windowSeconds: number) => Promise<Metric[]>,
): ThrottleWatch {
  const watch = new ThrottleWatch(
    poll,
    {
      throttling: (streamName, throttledRecords, throttledForMs) =>
        events.publish('throttling', {
          streamName,
          throttledRecords,
          windowSeconds: THROTTLE_WATCH.windowSeconds,
          throttledForMs,
        }),
      ended: (streamName, throttledForMs) =>
        events.publish('throttlingEnded', { streamName, throttledForMs }),
    },
    () => events.wanted('throttling') || events.wanted('throttlingEnded'),
  );
  watch.start();
  return watch;
}
