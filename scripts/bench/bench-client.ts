// What every client the benchmark compares offers (clients.ts makes them), and the credentials
// and region they all sign with against the local endpoints.
import type { Workload } from './workload.js';

/**
 * agg-promise: the agg client used as an application that wants every record's result writes
 * it, a promise per record settled by the client's callback: the same code shape as
 * `addUserRecord`, for the cells whose shape awaits per-record promises.
 */
export type ClientKind = 'producer' | 'agg' | 'agg-promise' | 'sdk';

/** A record as a generator hands it to a stream pipeline. */
export interface BenchRecord {
  partitionKey: string;
  data: Buffer;
}

export const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
export const REGION = 'us-east-1';

export interface BenchClient {
  /** Results received: successful user records and failed ones. */
  ok: number;
  failed: number;
  /** Entries the service refused as throttled (each one is sent again). */
  throttledEntries: number;
  /** Entries sent to the service (Kinesis records), retries included. */
  sentEntries: number;
  /** Pid of a helper process doing the work, when there is one. */
  readonly helperPid?: number;
  add(key: string, data: Buffer, onDone?: (ok: boolean) => void): void;
  /** Several records in one call, where the client has a batch form; else one add each. */
  addMany(records: BenchRecord[]): Promise<void>;
  /**
   * `n` records added in one synchronous loop, then awaited, as applications write a burst;
   * `flushFirst`: the loop is followed by a flush() before the await, where the client buffers
   * records on a timer (the in-process clients send what they hold at the end of every burst).
   */
  burst(work: Workload, n: number, flushFirst?: boolean): Promise<void>;
  /** `pipeline(Readable.from(records), <the client's Writable>)`. */
  pipe(records: Iterable<BenchRecord>): Promise<void>;
  /** True when `n` more records can be added without overrunning the client's buffers. */
  hasRoom(n: number): boolean;
  /** Resolves when `n` more records can be added. */
  room(n: number): Promise<void>;
  /** Resolves when every record added so far has its result. */
  drain(): Promise<void>;
  close(): Promise<void>;
}
