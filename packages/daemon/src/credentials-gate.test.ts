import { beforeEach, describe, expect, test } from '@jest/globals';
import { FakeClock, settle } from '../../../test/support/fake-clock.js';
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

let clock = new FakeClock();
beforeEach(() => {
  clock = new FakeClock();
});

function record(id: number, ttl: number): UserRecord {
  return new UserRecord(
    id,
    `pk${id}`,
    undefined,
    Buffer.from(`d${id}`),
    hashKeyFromDecimal(id),
    clock.now(),
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

function gate(creds: CredentialsHolder) {
  const sent: PutRecordsBatch[] = [];
  const reput: UserRecord[] = [];
  const finished: UserRecord[] = [];
  const g = new CredentialsGate(
    creds,
    {
      send: (b) => sent.push(b),
      reput: (ur) => reput.push(ur),
      finish: (ur) => finished.push(ur),
    },
    clock,
  );
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
    await settle();
    expect(t.sent).toEqual([a, b]);
    expect(t.finished).toEqual([]);
    t.g.close();
  });

  test('a record whose TTL passes while waiting fails; its neighbour goes round again', () => {
    const creds = new CredentialsHolder();
    const t = gate(creds);
    const short = record(1, 30);
    const long = record(2, 60_000);
    t.g.submit(batch(short, long));
    clock.advance(30);
    expect(t.finished).toEqual([]);
    clock.advance(1);
    expect(t.finished).toEqual([short]);
    expect(short.attempts.at(-1)?.errorCode).toBe('ExpiredWaitingForCredentials');
    expect(t.reput).toEqual([long]);
    expect(long.attempts).toEqual([]);
    expect(t.g.waiting).toBe(0);
    expect(clock.pending).toBe(0);
    t.g.close();
  });

  test('one timer, for the earliest expiration held', () => {
    const creds = new CredentialsHolder();
    const t = gate(creds);
    const late = record(1, 500);
    t.g.submit(batch(late));
    clock.advance(100);
    const early = record(2, 100); // expires at 200, before the first
    t.g.submit(batch(early));
    expect(clock.pending).toBe(1);
    const ids = () => t.finished.map((ur) => ur.sourceId);
    clock.advance(100);
    expect(ids()).toEqual([]);
    clock.advance(1);
    expect(ids()).toEqual([2]);
    clock.advance(299);
    expect(ids()).toEqual([2]);
    clock.advance(1);
    expect(ids()).toEqual([2, 1]);
    expect(late.attempts.at(-1)?.errorCode).toBe('ExpiredWaitingForCredentials');
    t.g.close();
  });
});
