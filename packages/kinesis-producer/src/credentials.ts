// Resolves the user's credentials and pushes them to the daemon as SetCredentials frames: at
// start (a static identity before any record), every credentialsRefreshDelay, and a minute
// before an identity expires. The daemon never looks for credentials itself, and nothing secret
// ever reaches a log line.
import { create } from '@bufbuild/protobuf';
import { type Message, MessageSchema } from '@kinesis-producer/protocol';
import type { Logger } from './options.js';

export interface CredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<CredentialIdentity>;
export type CredentialsOption = CredentialIdentity | CredentialsProvider;

/** Push this long before an identity's expiration, so requests never sign with a dead key. */
const EXPIRY_MARGIN_MS = 60_000;
/** A failing provider is asked again this soon; records wait in the daemon meanwhile. */
export const RETRY_MS = 1_000;
/** While a provider keeps failing, say so at most this often. */
const REPEAT_WARNING_MS = 60_000;

export function isIdentity(c: unknown): c is CredentialIdentity {
  return typeof c === 'object' && c !== null && 'accessKeyId' in c;
}

/** An identity with both keys as strings, or a provider function: what the options accept. */
export function isCredentialsOption(value: unknown): value is CredentialsOption {
  if (typeof value === 'function') return true;
  if (!isIdentity(value)) return false;
  return typeof value.accessKeyId === 'string' && typeof value.secretAccessKey === 'string';
}

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
  /** When the current run of failures started to be reported; undefined while it works. */
  failingSince?: number;
  lastWarning?: number;
}

export class CredentialsPusher {
  private readonly sources: Source[];
  private timer: NodeJS.Timeout | undefined;
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
  ) {
    const source = (option: CredentialsOption | undefined, targets: boolean[]): Source => ({
      option,
      provider: toProvider(option),
      targets,
    });
    this.sources = metricsCredentials
      ? [source(credentials, [false]), source(metricsCredentials, [true])]
      : [source(credentials, [false, true])];
  }

  /** Static identities go out at once, ahead of any record; providers are asked right after. */
  start(): void {
    for (const s of this.sources) {
      if (isIdentity(s.option)) for (const t of s.targets) this.push(s.option, t);
    }
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private push(id: CredentialIdentity, forMetrics: boolean): void {
    this.send(
      create(MessageSchema, {
        id: 0n,
        actualMessage: {
          case: 'setCredentials',
          value: {
            forMetrics,
            credentials: {
              akid: id.accessKeyId,
              secretKey: id.secretAccessKey,
              token: id.sessionToken || undefined,
            },
          },
        },
      }),
    );
  }

  private async tick(): Promise<void> {
    let next = this.refreshMs;
    for (const s of this.sources) {
      try {
        const id = await (await s.provider)();
        if (this.stopped) return;
        if (!id?.accessKeyId || !id.secretAccessKey) {
          throw new Error('the provider returned no accessKeyId or secretAccessKey');
        }
        for (const t of s.targets) this.push(id, t);
        if (s.failingSince !== undefined) {
          this.logger.info?.(`kinesis-producer: ${what(s)} resolved again`);
          s.failingSince = undefined;
          s.lastWarning = undefined;
        }
        if (id.expiration) {
          const left = id.expiration.getTime() - Date.now() - EXPIRY_MARGIN_MS;
          next = Math.max(RETRY_MS, Math.min(next, left));
        }
      } catch (err) {
        if (this.stopped) return;
        this.failed(s, err);
        next = Math.min(next, RETRY_MS);
      }
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), next);
    this.timer.unref();
  }

  private failed(s: Source, err: unknown): void {
    const t = performance.now();
    s.failingSince ??= t;
    this.onFailure(
      err instanceof Error ? err : new Error(String(err)),
      forMetricsOnly(s),
      t - s.failingSince,
    );
    if (s.lastWarning !== undefined && t - s.lastWarning < REPEAT_WARNING_MS) return;
    s.lastWarning = t;
    const since = t - s.failingSince;
    const name =
      (err as Error)?.name && (err as Error).name !== 'Error' ? `${(err as Error).name}: ` : '';
    this.logger.warn?.(
      `kinesis-producer: could not resolve ${what(s)}${since > 0 ? ` (failing for ${Math.round(since / 1000)} s)` : ''}: ${name}${(err as Error)?.message ?? String(err)}; retrying every ${RETRY_MS} ms, records wait until then or until their TTL`,
    );
  }
}

function forMetricsOnly(s: Source): boolean {
  return s.targets.length === 1 && s.targets[0] === true;
}

function what(s: Source): string {
  return forMetricsOnly(s) ? 'the metrics credentials' : 'the credentials';
}
