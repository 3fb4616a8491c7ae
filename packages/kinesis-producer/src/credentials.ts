// Resolves the user's credentials and pushes them to the daemon: at start, every
// credentialsRefreshDelay, and shortly before they expire.
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
const RETRY_MS = 1_000;

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

export class CredentialsPusher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sources: {
      provider: Promise<CredentialsProvider> | CredentialsProvider;
      forMetrics: boolean;
    }[],
    private readonly refreshMs: number,
    private readonly send: (m: Message) => void,
    private readonly logger: Logger,
  ) {}

  /** Static identities go out at once, ahead of any record, so nothing waits on a timer. */
  start(statics: { identity: CredentialIdentity; forMetrics: boolean }[] = []): void {
    for (const s of statics) this.push(s.identity, s.forMetrics);
    void this.tick();
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
              token: id.sessionToken,
            },
          },
        },
      }),
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    let next = this.refreshMs;
    for (const s of this.sources) {
      try {
        const id = await (await s.provider)();
        if (this.stopped) return;
        if (!id?.accessKeyId || !id.secretAccessKey)
          throw new Error('the provider returned no access key');
        this.push(id, s.forMetrics);
        if (id.expiration) {
          const left = id.expiration.getTime() - Date.now() - EXPIRY_MARGIN_MS;
          next = Math.max(RETRY_MS, Math.min(next, left));
        }
      } catch (err) {
        // Records wait in the daemon while it has no valid credentials; keep trying.
        this.logger.warn?.(
          `kinesis-producer: could not resolve ${s.forMetrics ? 'metrics ' : ''}credentials: ${(err as Error).message}`,
        );
        next = Math.min(next, RETRY_MS);
      }
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), next);
    this.timer.unref();
  }
}
