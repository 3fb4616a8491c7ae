import { describe, expect, test } from '@jest/globals';
import { now } from './clock.js';
import { CredentialsGate } from './credentials-gate.js';
import { CredentialsHolder } from './credentials-holder.js';
import { hashKeyFromDecimal } from './hex-hash-key.js';
import { KinesisRecord } from './kinesis-record.js';
import { setLogLevel } from './log.js';
import { PutRecordsBatch } from './put-records-batch.js';
import { UserRecord } from './user-record.js';

const KEY = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
// The gate's warning is expected here; keep the test output clean.
setLogLevel('error');

function record(id: number, ttl: number): UserRecord {
  return new UserRecord(
    id,
    's',
    `pk${id}`,
    undefined,
    Buffer.from(`d${id}`),
    hashKeyFromDecimal(id),
    now(),
    0,
    ttl,
  );
}

function batch(...urs: UserRecord[]): PutRecordsBatch {
  const b = new PutRecordsBatch();
  for (const ur of urs) {
    const kr = new KinesisRecord();
    kr.add(ur);
    b.add(kr);
  }
  return b;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function gate(creds: CredentialsHolder) {
  const sent: PutRecordsBatch[] = [];
  const reput: UserRecord[] = [];
  const finished: UserRecord[] = [];
  const g = new CredentialsGate(creds, {
    send: (b) => sent.push(b),
    reput: (ur) => reput.push(ur),
    finish: (ur) => finished.push(ur),
  });
  return { g, sent, reput, finished };
}

describe('CredentialsGate', () => {
  test('with credentials, a batch goes straight through', () => {
    const creds = new CredentialsHolder();
    creds.set(KEY);
    const t = gate(creds);
    const b = batch(record(1, 1000));
    t.g.submit(b);
    expect(t.sent).toEqual([b]);
    t.g.close();
  });

  test('without credentials, batches wait and leave in order when they arrive', async () => {
    const creds = new CredentialsHolder();
    const t = gate(creds);
    const a = batch(record(1, 60_000));
    const b = batch(record(2, 60_000));
    t.g.submit(a);
    t.g.submit(b);
    expect(t.sent).toEqual([]);
    expect(t.g.waiting).toBe(2);
    creds.set(KEY);
    await until(() => t.sent.length === 2);
    expect(t.sent).toEqual([a, b]);
    expect(t.finished).toEqual([]);
    t.g.close();
  });

  test('a record whose TTL passes while waiting fails; its neighbour goes round again', async () => {
    const creds = new CredentialsHolder();
    const t = gate(creds);
    const short = record(1, 30);
    const long = record(2, 60_000);
    t.g.submit(batch(short, long));
    await until(() => t.finished.length === 1);
    expect(t.finished).toEqual([short]);
    expect(short.attempts.at(-1)?.errorCode).toBe('ExpiredWaitingForCredentials');
    expect(t.reput).toEqual([long]);
    expect(long.attempts).toEqual([]);
    expect(t.g.waiting).toBe(0);
    t.g.close();
  });
});
