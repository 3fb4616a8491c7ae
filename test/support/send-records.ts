// Sends numbered records and keeps, for each, what was sent and how it ended, so a test can
// compare every record with what arrived.
import type {
  KinesisProducer,
  UserRecordFailedError,
} from '../../packages/kinesis-producer/src/index.js';
import { payload } from './producer.js';
import type { SentRecord } from './verify.js';

export interface Sent {
  sent: SentRecord[];
  ok: SentRecord[];
  failed: { rec: SentRecord; err: UserRecordFailedError }[];
  /** Resolves when every record has its outcome. */
  done: Promise<void>;
}

export function sendRecords(
  producer: KinesisProducer,
  stream: string,
  count: number,
  opts: { from?: number; size?: number } = {},
): Sent {
  const out: Omit<Sent, 'done'> = { sent: [], ok: [], failed: [] };
  const all: Promise<void>[] = [];
  const from = opts.from ?? 0;
  for (let i = from; i < from + count; i++) {
    const rec: SentRecord = { partitionKey: `key-${i}`, data: payload(i, opts.size ?? 100) };
    out.sent.push(rec);
    all.push(
      producer.addUserRecord(stream, rec.partitionKey, rec.data).then(
        (r) => {
          rec.result = r;
          out.ok.push(rec);
        },
        (err: UserRecordFailedError) => {
          out.failed.push({ rec, err });
        },
      ),
    );
  }
  return { ...out, done: Promise.all(all).then(() => undefined) };
}
