// Keeps a daemon running for the producer: starts it, watches it (exit at once, hangs through
// the health check), and after an unexpected end starts a new one after a capped, jittered
// backoff, replaying what the new process must know: the configuration, the latest credentials,
// stream ids, and the metrics requests still waiting. Records are the producer's business: it
// is told when a daemon is up and sends its journal again. One daemon at a time, always: a new
// one starts only after the old one's exit has been seen.

import type { CheckedRecord, Logger } from '@kinesis-producer/options';
import type {
  Configuration,
  GroupedResultsFields,
  Message,
  PutRecordResultFields,
  PutRecordResultsFields,
} from '@kinesis-producer/protocol';
import { DaemonChannel } from './daemon-channel.js';
import { DaemonExitedError } from './errors.js';
import { HealthCheck, isPong } from './health.js';
import type { Entry } from './journal.js';
import {
  type ExitInfo,
  RestartCounter,
  type RestartPolicy,
  restartable,
} from './restart-policy.js';
import type { SentFrames } from './sent-frames.js';

export interface SupervisorHandlers {
  result(sourceId: number, result: PutRecordResultFields): void;
  /** Many records that succeeded together (see PutRecordResults). */
  results(batch: PutRecordResultsFields): void;
  /** Records `from` to `to` of a turn's successes in id order (see GroupedResults). */
  grouped(group: GroupedResultsFields, from: number, to: number): void;
  /** Any other message but pongs (metrics responses, mostly). */
  message(m: Message): void;
  /** A new daemon is up and has been told everything but the records: send them, oldest first. */
  restarted(): void;
  /** A daemon ended unexpectedly and a new one starts in `delayMs`. */
  crashed(error: DaemonExitedError, delayMs: number): void;
  /**
   * Any unexpected end, told before `crashed` or `stopped`: why (killed by the health check, or
   * for sending a frame that does not decode, or it ended by itself), and the delay before the
   * next start (undefined: none will start).
   */
  ended(error: DaemonExitedError, why: EndReason, restartInMs: number | undefined): void;
  /** No daemon will run again: stopped on request, or failed for good. Called once. */
  stopped(error: DaemonExitedError, requested: boolean): void;
}

export type EndReason = 'hung' | 'corrupt' | 'exited';

export interface SupervisorOptions {
  configuration: Configuration | Promise<Configuration>;
  executable?: string;
  restart: RestartPolicy;
  /** Hang detection: the silence in ms after which a daemon is killed; undefined = off. */
  healthCheckTimeoutMs?: number;
  /** Where the records' frames are kept once written (the journal's). */
  frames: SentFrames;
}

type State = 'running' | 'restarting' | 'stopping' | 'stopped';

export class Supervisor {
  private current: DaemonChannel;
  private state: State = 'running';
  private configuration: Configuration | Promise<Configuration>;
  private readonly restarts: RestartCounter;
  private readonly health: HealthCheck | undefined;
  /** Messages a new daemon must get again, latest per key (credentials, stream ids). */
  private readonly sticky = new Map<string, Message>();
  /** getMetrics requests without an answer, by id: a new daemon answers them instead. */
  private readonly metricsRequests = new Map<bigint, Message>();
  private busy = false;
  /** The running daemon is being killed by the health check. */
  private hung = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartCount = 0;
  private lastError: DaemonExitedError | undefined;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly handlers: SupervisorHandlers,
    private readonly logger: Logger,
  ) {
    this.configuration = options.configuration;
    if (this.configuration instanceof Promise) {
      // Later starts reuse what the region lookup found, without waiting again.
      void this.configuration.then((c) => {
        this.configuration = c;
      });
    }
    this.restarts = new RestartCounter(options.restart);
    if (options.healthCheckTimeoutMs !== undefined) {
      this.health = new HealthCheck(options.healthCheckTimeoutMs, {
        ping: (m) => this.current.send(m),
        hung: (silentMs) => this.onHung(silentMs),
        paused: () => this.state !== 'running' || this.current.waitingForConfiguration,
      });
    }
    this.current = this.spawn();
    this.health?.start();
  }

  /** The daemon's channel: the running one, or the last one when none runs. */
  get channel(): DaemonChannel {
    return this.current;
  }

  get pid(): number | undefined {
    return this.current.pid;
  }

  /** How many times a daemon was started again since the producer began. */
  get restartsSoFar(): number {
    return this.restartCount;
  }

  /** Restarts within the restart window (daemonRestartWindowMs), as of the last daemon end. */
  get restartsInWindow(): number {
    return this.restarts.count;
  }

  /** True while a daemon runs or is about to be started again. */
  get active(): boolean {
    return this.state === 'running' || this.state === 'restarting';
  }

  /** Records go to the running daemon only; while restarting they wait in the producer's journal. */
  putRecord(id: number, r: Entry, source?: CheckedRecord): void {
    if (this.state === 'running') this.current.putRecord(id, r, source);
  }

  send(m: Message): void {
    const a = m.actualMessage;
    if (a.case === 'setCredentials') this.sticky.set(`credentials:${a.value.forMetrics}`, m);
    else if (a.case === 'streamMetadata') this.sticky.set(`stream:${a.value.streamName}`, m);
    else if (a.case === 'metricsRequest') this.metricsRequests.set(m.id, m);
    // A flush while restarting is moot: the new daemon gets every record again anyway.
    if (this.state === 'running') this.current.send(m);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    // Once stopping, whoever awaits the stop must see the exit: a last answer settling (a
    // metrics request, say) must not let the process go idle before it.
    if (this.state === 'stopping') return;
    this.current.setBusy(busy);
    // While records wait for a restart, the restart must happen even if nothing else runs.
    if (busy) this.restartTimer?.ref();
    else this.restartTimer?.unref();
  }

  /** Graceful: stdin closes; the daemon sends what it holds (bounded, see Dispatcher.drain) and exits. */
  end(): void {
    this.stop((c) => c.end());
  }

  /** At once: the daemon is killed, whatever it holds; also cuts short a graceful end. */
  kill(): void {
    if (this.state === 'stopping' && this.current.alive) this.current.kill('SIGKILL');
    else this.stop((c) => c.kill('SIGKILL'));
  }

  private stop(how: (c: DaemonChannel) => void): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const running = this.state === 'running' && this.current.alive;
    this.state = 'stopping';
    this.health?.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (running) {
      // Whoever awaits the stop must see the exit: keep the process alive until then.
      this.current.setBusy(true);
      how(this.current);
    } else this.finish(this.lastError ?? new DaemonExitedError(null, null, '', 'stopped'), true);
  }

  private spawn(): DaemonChannel {
    const channel: DaemonChannel = new DaemonChannel(
      this.configuration,
      {
        result: (id, r) => this.handlers.result(id, r),
        results: (b) => this.handlers.results(b),
        grouped: (g, from, to) => this.handlers.grouped(g, from, to),
        message: (m) => this.onMessage(m),
        activity: () => this.health?.heard(),
        exit: (err, info) => this.onExit(channel, err, info),
      },
      this.logger,
      this.options.frames,
      this.options.executable,
    );
    channel.setBusy(this.busy);
    this.hung = false;
    this.health?.heard();
    return channel;
  }

  private onMessage(m: Message): void {
    if (isPong(m)) return;
    if (m.actualMessage.case === 'metricsResponse') this.metricsRequests.delete(m.sourceId);
    this.handlers.message(m);
  }

  private onHung(silentMs: number): void {
    if (this.state !== 'running') return;
    this.hung = true;
    const why = `it did not answer for ${Math.round(silentMs)} ms (daemonHealthCheckTimeoutMs)`;
    this.logger.warn?.(`kinesis-producer: killing daemon ${this.current.pid}: ${why}`);
    this.current.kill('SIGKILL', `killed by the health check: ${why}`);
  }

  private onExit(channel: DaemonChannel, err: DaemonExitedError, info: ExitInfo): void {
    if (channel !== this.current) return;
    this.lastError = err;
    if (this.state === 'stopping') {
      this.finish(err, true);
      return;
    }
    if (this.state !== 'running') return;
    const delay = restartable(info) ? this.restarts.next() : undefined;
    if (delay === undefined) {
      const { maxRestarts, windowMs } = this.options.restart;
      const final =
        restartable(info) && maxRestarts > 0
          ? new DaemonExitedError(
              err.exitCode,
              err.signal,
              err.stderrTail,
              `${err.reason ? `${err.reason}; ` : ''}not restarted: it was already restarted ${maxRestarts} times within ${windowMs} ms (daemonMaxRestarts = ${maxRestarts}, daemonRestartWindowMs = ${windowMs})`,
            )
          : err;
      this.logger.error?.(`kinesis-producer: ${final.message}`);
      this.state = 'stopping';
      this.health?.stop();
      this.handlers.ended(final, this.endReason(channel), undefined);
      this.finish(final, false);
      return;
    }
    this.state = 'restarting';
    this.logger.warn?.(
      `kinesis-producer: ${err.message}; restarting it in ${Math.round(delay)} ms (restart ${this.restarts.count} within ${this.options.restart.windowMs} ms)`,
    );
    this.handlers.ended(err, this.endReason(channel), delay);
    this.handlers.crashed(err, delay);
    this.restartTimer = setTimeout(() => this.restart(), delay);
    if (!this.busy) this.restartTimer.unref();
  }

  private endReason(channel: DaemonChannel): EndReason {
    if (this.hung) return 'hung';
    return channel.sentCorruptFrame ? 'corrupt' : 'exited';
  }

  private restart(): void {
    this.restartTimer = undefined;
    if (this.state !== 'restarting') return;
    this.state = 'running';
    this.restartCount++;
    this.current = this.spawn();
    for (const m of this.sticky.values()) this.current.send(m);
    for (const m of this.metricsRequests.values()) this.current.send(m);
    this.logger.info?.(`kinesis-producer: daemon restarted (pid ${this.current.pid})`);
    this.handlers.restarted();
  }

  private finish(err: DaemonExitedError, requested: boolean): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.health?.stop();
    this.metricsRequests.clear();
    this.handlers.stopped(err, requested);
  }
}
