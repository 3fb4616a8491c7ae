// Credentials against a Kinesis that checks every signature: a rotation in the middle of
// production loses nothing, records wait while there are no credentials, and a record whose TTL
// runs out while waiting fails with a code that says so.
import { afterEach, expect, test } from '@jest/globals';
import {
  type CredentialIdentity,
  UserRecordFailedError,
  type UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type Sent, sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

const OLD = { accessKeyId: 'AKIDOLDKEY', secretAccessKey: 'old-secret' };
const NEW = { accessKeyId: 'AKIDNEWKEY', secretAccessKey: 'new-secret' };

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function signedWith(req: { headers: Record<string, unknown> }): string {
  return String(req.headers.authorization).split('Credential=')[1]!.split('/')[0]!;
}

test('credentials rotated during production: the old key is refused after, nothing is lost', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2, t: 1 }, verifySignatures: [OLD] });
  const accepted: { op: string; key: string }[] = [];
  fake.onRequest = (op, req) => accepted.push({ op, key: signedWith(req) });
  let current: CredentialIdentity = OLD;
  const producer = producerFor(fake.endpoint, {
    credentials: async () => current,
    credentialsRefreshDelay: 50,
    recordMaxBufferedTime: 20,
  });
  const runs: Sent[] = [];
  let late: Sent | undefined;
  try {
    // Keep records flowing before, across and after the rotation.
    let from = 0;
    const send = () => {
      runs.push(sendRecords(producer, 's', 100, { from }));
      from += 100;
    };
    for (let i = 0; i < 10; i++) {
      send();
      await new Promise((r) => setImmediate(r));
    }
    // Records may go out before the shard map is read (unaggregated): wait for both.
    const seen = (op: string, key: string) => accepted.some((a) => a.op === op && a.key === key);
    await waitFor(
      'the shard map and records signed with the old key',
      () => seen('ListShards', OLD.accessKeyId) && seen('PutRecords', OLD.accessKeyId),
    );
    // The rotation as IAM does it to a running application: new key out, old key dead at once.
    current = NEW;
    fake.setAcceptedCredentials([NEW]);
    for (let i = 0; i < 10; i++) {
      send();
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('records signed with the new key', () => seen('PutRecords', NEW.accessKeyId));
    for (let i = 0; i < 10; i++) send();
    // A stream first seen now has its shard map read (through the SDK) with the new key.
    late = sendRecords(producer, 't', 200, { from });
    await Promise.all([...runs, late].map((r) => r.done));
  } finally {
    await producer.close();
  }
  const sent = runs.flatMap((r) => r.sent);
  const failed = runs.flatMap((r) => r.failed);
  expect(failed.map((f) => f.err.message)).toEqual([]);
  expect(sent).toHaveLength(3000);
  verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
  expect(late!.failed).toEqual([]);
  verifyDelivery(late!.sent, deaggregateAll(fake.records('t')), fake.shards('t'));
  const listShards = accepted.filter((a) => a.op === 'ListShards').map((a) => a.key);
  expect(listShards).toContain(OLD.accessKeyId);
  expect(listShards).toContain(NEW.accessKeyId);
});

test('records wait while the provider fails, and all arrive once it recovers', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 }, verifySignatures: [OLD] });
  let calls = 0;
  const warnings: string[] = [];
  const producer = producerFor(fake.endpoint, {
    credentials: async () => {
      calls++;
      if (calls <= 2) throw new Error('the credentials endpoint is down');
      return OLD;
    },
    logger: { warn: (m) => warnings.push(m) },
  });
  let run: Sent;
  try {
    run = sendRecords(producer, 's', 500);
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  verifyDelivery(run.sent, deaggregateAll(fake.records('s')), fake.shards('s'));
  expect(calls).toBeGreaterThanOrEqual(3);
  expect(warnings.join('\n')).toMatch(/could not resolve the credentials.*endpoint is down/);
  // They waited rather than failed: one attempt each, the one that succeeded.
  for (const r of run.ok) expect((r.result as UserRecordResult).attempts).toHaveLength(1);
});

test('a record whose TTL passes while no credentials exist fails with ExpiredWaitingForCredentials', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 }, verifySignatures: [OLD] });
  const producer = producerFor(fake.endpoint, {
    credentials: () => new Promise<CredentialIdentity>(() => {}),
    recordTtl: 300,
    logger: {},
  });
  let run: Sent;
  try {
    run = sendRecords(producer, 's', 50);
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.ok).toHaveLength(0);
  expect(run.failed).toHaveLength(50);
  for (const { err } of run.failed) {
    expect(err).toBeInstanceOf(UserRecordFailedError);
    const last = err.result.attempts.at(-1)!;
    expect(last.errorCode).toBe('ExpiredWaitingForCredentials');
    expect(last.errorMessage).toMatch(/credentials/);
  }
  expect(fake.records('s')).toHaveLength(0);
  expect(fake.stats.putRecordsCalls).toBe(0);
});

test('a provider that hangs is given up on and asked again; the records wait, then all arrive', async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 }, verifySignatures: [NEW] });
  const warnings: string[] = [];
  let calls = 0;
  const producer = producerFor(fake.endpoint, {
    // The first call never answers, as a metadata service that takes the connection and hangs.
    credentials: () =>
      ++calls === 1 ? new Promise<CredentialIdentity>(() => {}) : Promise.resolve(NEW),
    recordMaxBufferedTime: 20,
    logger: { warn: (m) => warnings.push(m) },
  });
  let run: Sent | undefined;
  try {
    run = sendRecords(producer, 's', 50);
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  expect(calls).toBeGreaterThanOrEqual(2);
  // The wrapper says why once; the daemon says that its requests wait.
  expect(warnings.filter((w) => w.includes('could not resolve'))).toEqual([
    expect.stringMatching(/could not resolve the credentials: .*did not answer within 10000 ms/),
  ]);
  verifyDelivery(run.sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});
