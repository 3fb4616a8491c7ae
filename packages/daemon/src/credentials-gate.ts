// PutRecords requests that cannot be signed yet because no credentials have arrived. They wait
// for the first credentials rather than fail, but never past their records' TTL: one timer, armed
// for the earliest expiration held, fails what expired and sends the rest round again.
import { RecordErrorCode } from '@kinesis-producer/protocol';
import { type Clock, monotonicClock } from './clock.js';
import type { CredentialsHolder } from './credentials-holder.js';
import { DeadlineTimer } from './deadline-timer.js';
import { log } from './log.js';
import type { PutRecordsBatch } from './put-records-batch.js';
import type { UserRecord } from './user-record.js';

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
  private readonly timer: DeadlineTimer;
  private listening = false;
  private closed = false;

  constructor(
    private readonly creds: CredentialsHolder,
    private readonly to: CredentialsGateHandlers,
    private readonly clock: Clock = monotonicClock,
  ) {
    this.timer = new DeadlineTimer(this.fire, clock);
  }

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
    this.timer.cancel();
    this.held = [];
  }

  private readonly release = (): void => {
    this.listening = false;
    if (this.closed) return;
    this.timer.cancel();
    const held = this.held;
    this.held = [];
    for (const b of held) this.to.send(b);
  };

  private arm(): void {
    let first = Number.POSITIVE_INFINITY;
    for (const b of this.held) if (b.expiration < first) first = b.expiration;
    // One millisecond past the expiration, when expired() turns true.
    if (first !== Number.POSITIVE_INFINITY) this.timer.schedule(first + 1);
  }

  private readonly fire = (): void => {
    const t = this.clock.now();
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
