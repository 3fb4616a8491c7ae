// PutRecords requests that cannot be signed yet because no credentials have arrived. They wait
// for the first credentials rather than fail, but never past their records' TTL: one timer, armed
// for the earliest expiration held, fails what expired and sends the rest round again.
import { RecordErrorCode } from '@kinesis-producer/protocol';
import { now } from './clock.js';
import type { CredentialsHolder } from './credentials-holder.js';
import { log } from './log.js';
import type { PutRecordsBatch } from './put-records-batch.js';
import type { UserRecord } from './user-record.js';

const MAX_TIMER = 2 ** 31 - 1;

/** Where the gate passes requests and records, by name rather than by position. */
export interface CredentialsGateHandlers {
  /** The request may go: credentials are there. */
  send(batch: PutRecordsBatch): void;
  /** A record of an expired request that itself still has time goes round again. */
  reput(ur: UserRecord): void;
  /** A held record that expired: its result goes to the wrapper. */
  finish(ur: UserRecord): void;
}

export class CredentialsGate {
  private held: PutRecordsBatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private listening = false;
  private closed = false;

  constructor(
    private readonly creds: CredentialsHolder,
    private readonly to: CredentialsGateHandlers,
  ) {}

  /** Requests held for credentials. */
  get waiting(): number {
    return this.held.length;
  }

  /** Sends the batch now when credentials are there; otherwise holds it until they come. */
  submit(batch: PutRecordsBatch): void {
    if (this.creds.current) {
      this.to.send(batch);
      return;
    }
    this.held.push(batch);
    for (const kr of batch.items) kr.detach();
    if (!this.listening) {
      this.listening = true;
      log.warn(
        'no credentials yet: PutRecords requests wait for them, each until its records expire',
      );
      void this.creds.get().then(this.release);
    }
    this.arm();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }

  private readonly release = (): void => {
    this.listening = false;
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const held = this.held;
    this.held = [];
    for (const b of held) this.to.send(b);
  };

  private arm(): void {
    let first = Number.POSITIVE_INFINITY;
    for (const b of this.held) if (b.expiration < first) first = b.expiration;
    if (first === Number.POSITIVE_INFINITY || (this.timer && first >= this.armedFor)) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = first;
    // One millisecond past the expiration, when expired() turns true.
    const wait = Math.min(MAX_TIMER, Math.max(0, Math.ceil(first - now()) + 1));
    this.timer = setTimeout(this.fire, wait);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const t = now();
    const due = this.held.filter((b) => b.expiration < t);
    this.held = this.held.filter((b) => b.expiration >= t);
    for (const batch of due) {
      for (const kr of batch.items) {
        for (const ur of kr.items) {
          if (ur.expired(t)) this.expire(ur, t);
          // A neighbour expired; this one still has time and goes round again.
          else this.to.reput(ur);
        }
      }
    }
    this.arm();
  };

  private expire(ur: UserRecord, t: number): void {
    ur.addAttempt({
      start: t,
      end: t,
      success: false,
      errorCode: RecordErrorCode.expiredWaitingForCredentials,
      errorMessage:
        'Record reached its TTL while waiting for credentials: none were ever pushed to the daemon (check the credentials option and the warnings it logged)',
    });
    this.to.finish(ur);
  }
}
