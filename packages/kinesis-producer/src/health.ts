// Liveness of the daemon. Any frame from it counts as a sign of life; when it has been quiet for
// a quarter of the timeout it gets a ping (a MetricsRequest, as the KPL sends, answered by a
// MetricsResponse), and when it stays silent for the whole timeout it is declared hung. A dead
// daemon needs none of this: its exit is seen at once.
//
// Silence is only counted while our own event loop was free to hear the daemon. After a stall
// of the application (a long synchronous task), the timers that fell due run before the loop
// reads the pipe, where the daemon's answers wait: measured naively, the daemon would look
// silent for the whole stall. So a look that comes late judges nothing; it starts a fresh window
// and pings, and the daemon is declared hung only when a whole timeout of on-time looks passed
// without a word from it.
import { type Message, metricsRequestMessage } from '@kinesis-producer/protocol';

/** Ping ids live far above the ids of getMetrics requests, so a pong is never mistaken for one. */
const PING_BASE = 1n << 62n;

export function pingMessage(id: bigint): Message {
  return metricsRequestMessage(id, 'UserRecordsPut', 1n);
}

export function isPong(m: Message): boolean {
  return m.actualMessage.case === 'metricsResponse' && m.sourceId >= PING_BASE;
}

export interface HealthTarget {
  ping(m: Message): void;
  /** The daemon has said nothing for `silentMs`; it should be stopped. */
  hung(silentMs: number): void;
  /** True while there is no daemon to judge (restarting, or still waiting for the region). */
  paused(): boolean;
}

/** A look this late (in intervals) means our loop was stalled, not that the daemon was quiet. */
const LATE_INTERVALS = 2;

export class HealthCheck {
  /** Since when the daemon has been silent while we could hear it. */
  private quietSince: number;
  private lastLook: number;
  private nextPing = PING_BASE;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly target: HealthTarget,
    private readonly now: () => number = () => performance.now(),
  ) {
    // The KPL's schedule: four looks per timeout.
    this.intervalMs = Math.max(1, Math.floor(timeoutMs / 4));
    this.quietSince = now();
    this.lastLook = this.quietSince;
  }

  start(): void {
    if (this.timer) return;
    this.lastLook = this.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // Watching the daemon is never a reason to keep the application running.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Something arrived from the daemon (or a new one was just started). */
  heard(): void {
    this.quietSince = this.now();
  }

  /** One look; runs on the interval, exposed for tests. */
  tick(): void {
    const t = this.now();
    const late = t - this.lastLook > LATE_INTERVALS * this.intervalMs;
    this.lastLook = t;
    if (this.target.paused()) {
      this.quietSince = t;
      return;
    }
    if (late) {
      // What the daemon said meanwhile may be unread in the pipe: a fresh window, and a ping
      // whose answer must come while we are listening.
      this.quietSince = t;
      this.target.ping(pingMessage(this.nextPing++));
      return;
    }
    const silent = t - this.quietSince;
    if (silent > this.timeoutMs) {
      this.quietSince = t;
      this.target.hung(silent);
    } else if (silent >= this.intervalMs) {
      this.target.ping(pingMessage(this.nextPing++));
    }
  }
}
