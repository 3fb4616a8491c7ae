// Resolves the user's credentials and pushes them to the daemon as SetCredentials frames: at
// start (a static identity before any record), every credentialsRefreshDelay, and a minute
// before an identity expires. The daemon never looks for credentials itself, and nothing secret
// ever reaches a log line.

import { type Message, setCredentialsMessage } from '@kinesis-producer/protocol';
import {
  type CredentialIdentity,
  type CredentialsOption,
  type CredentialsProvider,
  isIdentity,
} from './credentials-option.js';
import { KinesisProducerError } from './option-errors.js';
import type { Logger } from './options.js';
import { type Clock, systemClock } from './scheduler-clock.js';

/** Push this long before an identity's expiration, so requests never sign with a dead key. */
const EXPIRY_MARGIN_MS = 60_000;
/** A failing provider is asked again this soon, then twice as late each time, up to RETRY_MAX_MS. */
export const RETRY_MS = 1_000;
export const RETRY_MAX_MS = 30_000;
/**
 * A provider call that has not answered by then counts as failed, and the next one is made: one
 * hung call (a metadata service that accepts the connection and never answers) must not stop
 * every later refresh. Its answer, should it come after all, is ignored.
 */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** While a provider keeps failing, say so at most this often. */
const REPEAT_WARNING_MS = 60_000;

export function toProvider(
  c: CredentialsOption | undefined,
): Promise<CredentialsProvider> | CredentialsProvider {
  if (typeof c === 'function') return c;
  if (c) return () => Promise.resolve(c);
  return defaultChain();
}

async function defaultChain(): Promise<CredentialsProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

interface Source {
  option: CredentialsOption | undefined;
  provider: Promise<CredentialsProvider> | CredentialsProvider;
  /** The signers it feeds: Kinesis (false), CloudWatch (true), or both. */
  targets: boolean[];
  /** Counts calls, so that the answer of a call given up on is recognised and ignored. */
  call: number;
  /** Failures in a row: the backoff before the next call doubles with each. */
  failures: number;
  timer?: unknown;
  /** When the current run of failures started to be reported; undefined while it works. */
  failingSince?: number;
  lastWarning?: number;
}

/**
 * Each source (the Kinesis credentials, the metrics ones) is refreshed on its own schedule, so a
 * provider that hangs or throws delays only its own signer.
 */
export class CredentialsPusher {
  private readonly sources: Source[];
  private stopped = false;

  /**
   * `credentials` feeds Kinesis, and CloudWatch too unless `metricsCredentials` is given (as the
   * KPL falls back); undefined means the SDK's default provider chain.
   */
  constructor(
    credentials: CredentialsOption | undefined,
    metricsCredentials: CredentialsOption | undefined,
    private readonly refreshMs: number,
    private readonly send: (m: Message) => void,
    private readonly logger: Logger,
    /** Told of every failed attempt (the log line is rate-limited; this is not). */
    private readonly onFailure: (
      error: Error,
      forMetrics: boolean,
      failingForMs: number,
    ) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {
    const source = (option: CredentialsOption | undefined, targets: boolean[]): Source => ({
      option,
      provider: toProvider(option),
      targets,
      call: 0,
      failures: 0,
    });
    this.sources = metricsCredentials
      ? [source(credentials, [false]), source(metricsCredentials, [true])]
      : [source(credentials, [false, true])];
  }

  /** Static identities go out at once, ahead of any record; providers are asked right after. */
  start(): void {
    for (const s of this.sources) {
      if (isIdentity(s.option)) for (const t of s.targets) this.push(s.option, t);
      void this.refresh(s);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.sources) {
      if (s.timer !== undefined) this.clock.clearTimeout(s.timer);
      s.timer = undefined;
    }
  }

  private push(id: CredentialIdentity, forMetrics: boolean): void {
    this.send(setCredentialsMessage(id, forMetrics));
  }

  private async refresh(s: Source): Promise<void> {
    s.timer = undefined;
    const call = ++s.call;
    let next: number;
    try {
      const id = await this.ask(s);
      if (this.stopped || call !== s.call) return;
      if (!id?.accessKeyId || !id.secretAccessKey) {
        throw new Error('the provider returned no accessKeyId or secretAccessKey');
      }
      for (const t of s.targets) this.push(id, t);
      if (s.failingSince !== undefined) {
        this.logger.info?.(`kinesis-producer: ${what(s)} resolved again`);
        s.failingSince = undefined;
        s.lastWarning = undefined;
      }
      s.failures = 0;
      next = this.refreshMs;
      if (id.expiration) {
        const left = id.expiration.getTime() - Date.now() - EXPIRY_MARGIN_MS;
        next = Math.max(RETRY_MS, Math.min(next, left));
      }
    } catch (err) {
      if (this.stopped || call !== s.call) return;
      s.failures++;
      next = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** Math.min(s.failures - 1, 16));
      this.failed(s, err, next);
    }
    s.timer = this.clock.setTimeout(() => void this.refresh(s), next);
  }

  /** One call of the provider, failed if it does not answer within PROVIDER_TIMEOUT_MS. */
  private ask(s: Source): Promise<CredentialIdentity> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () =>
          reject(
            new KinesisProducerError(
              'ERR_CREDENTIALS_TIMEOUT',
              `the provider did not answer within ${PROVIDER_TIMEOUT_MS} ms`,
            ),
          ),
        PROVIDER_TIMEOUT_MS,
      );
      Promise.resolve(s.provider)
        .then((provider) => provider())
        .then(resolve, reject)
        .finally(() => this.clock.clearTimeout(timer));
    });
  }

  private failed(s: Source, err: unknown, retryMs: number): void {
    const t = this.clock.now();
    s.failingSince ??= t;
    this.onFailure(
      err instanceof Error ? err : new Error(String(err)),
      forMetricsOnly(s),
      t - s.failingSince,
    );
    if (s.lastWarning !== undefined && t - s.lastWarning < REPEAT_WARNING_MS) return;
    s.lastWarning = t;
    const since = t - s.failingSince;
    // Only the error's name and message: a provider's error object may hold the request it made.
    const name =
      (err as Error)?.name && (err as Error).name !== 'Error' ? `${(err as Error).name}: ` : '';
    this.logger.warn?.(
      `kinesis-producer: could not resolve ${what(s)}${since > 0 ? ` (failing for ${Math.round(since / 1000)} s)` : ''}: ${name}${(err as Error)?.message ?? String(err)}; asking again in ${retryMs} ms (backing off to every ${RETRY_MAX_MS} ms), records wait until then or until their TTL`,
    );
  }
}

function forMetricsOnly(s: Source): boolean {
  return s.targets.length === 1 && s.targets[0] === true;
}

function what(s: Source): string {
  return forMetricsOnly(s) ? 'the metrics credentials' : 'the credentials';
}
