// Metrics only the wrapper can count, added to every getMetrics answer and snapshot. A daemon
// starts its figures afresh when it is restarted, so the restarts themselves are counted here:
// DaemonRestarts, the KPL's sign of an unhealthy daemon made a number an alarm can watch.
import { countMetric, MAX_WINDOW_SECONDS, type Metric } from './metrics-client.js';

export const DAEMON_RESTARTS = 'DaemonRestarts';

export class OwnMetrics {
  private restarts = 0;
  /** When each restart of the longest window happened, oldest first. */
  private readonly recent: number[] = [];
  private readonly since: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.since = now();
  }

  restarted(): void {
    this.restarts++;
    this.recent.push(this.now());
    this.trim();
  }

  /** The metrics named `name` (all when undefined), over the last `windowSeconds` or since start. */
  metrics(name: string | undefined, windowSeconds: number | undefined): Metric[] {
    if (name !== undefined && name !== DAEMON_RESTARTS) return [];
    if (windowSeconds === undefined) {
      const seconds = Math.floor((this.now() - this.since) / 1000);
      return [countMetric(DAEMON_RESTARTS, this.restarts, seconds)];
    }
    this.trim();
    const from = this.now() - windowSeconds * 1000;
    const n = this.recent.filter((t) => t > from).length;
    return [countMetric(DAEMON_RESTARTS, n, windowSeconds)];
  }

  private trim(): void {
    const from = this.now() - MAX_WINDOW_SECONDS * 1000;
    while (this.recent.length > 0 && this.recent[0]! <= from) this.recent.shift();
  }
}
