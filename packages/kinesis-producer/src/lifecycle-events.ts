// What happens to the producer's machinery, told to the application: the daemon ending and
// starting again, records sent again, credentials that cannot be resolved, streams that stay
// throttled. Each is an event on the producer (an EventEmitter, so an application listens to
// the instance it made) and the same payload on a diagnostics_channel named after the event
// (so an APM or a library that does not hold the instance can subscribe too). There is no
// 'error' event: none of these is fatal, and an unheard 'error' would throw.
import diagnostics from 'node:diagnostics_channel';
import type { EventEmitter } from 'node:events';
import type { Logger } from '@kinesis-producer/options';
import type { DaemonExitedError } from './errors.js';

export interface DaemonExitEvent {
  /** How it ended: the exit code or signal, the daemon's last lines, and why, if known. */
  error: DaemonExitedError;
  /**
   * 'hung': killed by the health check; 'corrupt': killed for sending a frame that does not
   * decode; 'exited': it ended by itself (a crash, an exit code) or was killed by another.
   */
  reason: 'hung' | 'corrupt' | 'exited';
  /** Delay before a new daemon starts; undefined when none will (the producer has failed). */
  restartInMs: number | undefined;
  /** Restarts within daemonRestartWindowMs, this one included. */
  restartsInWindow: number;
}

export interface DaemonRestartEvent {
  /** The new daemon's process id. */
  pid: number | undefined;
  /** Restarts since the producer was made. */
  restarts: number;
  /** Restarts within daemonRestartWindowMs. */
  restartsInWindow: number;
}

export interface RecordsResubmittedEvent {
  /** Records without a result sent again to the new daemon; some may arrive twice. */
  count: number;
}

export interface CredentialsErrorEvent {
  /** What the provider threw (or why what it returned was refused). */
  error: Error;
  /** True when the failing provider is `metricsCredentials`, which feeds CloudWatch only. */
  forMetrics: boolean;
  /** How long it has been failing, ms; 0 on the first failure. */
  failingForMs: number;
}

export interface ThrottlingEvent {
  streamName: string;
  /** Throttled Kinesis records of the stream over the last `windowSeconds`. */
  throttledRecords: number;
  windowSeconds: number;
  /** How long the stream has been throttled without a quiet window, ms. */
  throttledForMs: number;
}

export interface ThrottlingEndedEvent {
  streamName: string;
  /** How long the stream had been throttled, ms. */
  throttledForMs: number;
}

/** The producer's events and their arguments. */
export type KinesisProducerEvents = {
  daemonExit: [DaemonExitEvent];
  daemonRestart: [DaemonRestartEvent];
  recordsResubmitted: [RecordsResubmittedEvent];
  credentialsError: [CredentialsErrorEvent];
  throttling: [ThrottlingEvent];
  throttlingEnded: [ThrottlingEndedEvent];
};

export type LifecycleEventName = keyof KinesisProducerEvents;

/** The diagnostics_channel an event is also published on: `kinesis-producer:<event>`. */
export function channelName(event: string): string {
  return `kinesis-producer:${event}`;
}

export class LifecycleEvents {
  private readonly channels = new Map<string, diagnostics.Channel>();

  constructor(
    private readonly emitter: EventEmitter,
    private readonly logger: Logger,
  ) {}

  /** Whether anyone listens: work that only feeds an event is skipped otherwise. */
  wanted(event: LifecycleEventName): boolean {
    return this.emitter.listenerCount(event) > 0 || this.channel(event).hasSubscribers;
  }

  publish<E extends LifecycleEventName>(event: E, payload: KinesisProducerEvents[E][0]): void {
    const channel = this.channel(event);
    // A listener that throws must not break the supervision that told it.
    try {
      this.emitter.emit(event, payload);
    } catch (err) {
      this.logger.error?.(`kinesis-producer: a '${event}' listener threw: ${err}`);
    }
    if (channel.hasSubscribers) {
      // diagnostics_channel reports a subscriber's exception itself, on process 'uncaughtException'
      // in a later tick: it cannot reach us.
      channel.publish({ producer: this.emitter, ...(payload as object) });
    }
  }

  private channel(event: string): diagnostics.Channel {
    let c = this.channels.get(event);
    if (!c) {
      c = diagnostics.channel(channelName(event));
      this.channels.set(event, c);
    }
    return c;
  }
}
