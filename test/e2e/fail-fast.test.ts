// Errors no retry can fix end a record within a few attempts, with the service's own words in its
// error; passing faults keep being retried; a clock that is off is corrected, not fatal. Records
// get a TTL of ten minutes, so only failing fast can settle them within a test's time.
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  type KinesisProducer,
  UserRecordFailedError,
  type UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { FakeKinesis, type FakeKinesisOptions } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { expectDelivered, payload, producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

/** The attempts a record gets while the service answers with an error no retry fixes. */
const FATAL_ATTEMPTS = 3;
const LONG_TTL = { recordTtl: 600_000 };

let fake: FakeKinesis | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  await tearDown(producer, fake);
  producer = undefined;
  fake = undefined;
});

async function failure(p: Promise<unknown>): Promise<UserRecordFailedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserRecordFailedError);
  return err as UserRecordFailedError;
}

function expectFailedFast(err: UserRecordFailedError, code: string, words: string): void {
  const { attempts } = err.result;
  expect(err.result.successful).toBe(false);
  expect(attempts.length).toBeLessThanOrEqual(FATAL_ATTEMPTS);
  for (const a of attempts) expect(a.errorCode).toBe(code);
  expect(err.message).toContain(code);
  expect(err.message).toContain(words);
}

async function startFake(opts: Partial<FakeKinesisOptions> = {}): Promise<FakeKinesis> {
  fake = await FakeKinesis.start({ streams: { s: 2 }, ...opts });
  return fake;
}

describe('errors no retry can fix fail fast, naming the cause', () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await tearDown(producer, emu);
    producer = undefined;
    emu = undefined;
  });

  test('a stream that does not exist (kinesalite): ResourceNotFoundException', async () => {
    emu = await startKinesalite();
    await createStream(emu, 'exists', 1);
    producer = producerFor(emu.endpoint, LONG_TTL);
    const results = [0, 1, 2].map((i) =>
      failure(producer!.addUserRecord('missing', `k${i}`, payload(i, 50))),
    );
    for (const err of await Promise.all(results)) {
      expectFailedFast(err, 'ResourceNotFoundException', 'missing');
    }
    // The producer is not stuck: a stream that exists still gets its records.
    const sent: SentRecord = { partitionKey: 'k', data: payload(9, 50) };
    sent.result = await producer.addUserRecord('exists', sent.partitionKey, sent.data);
    await expectDelivered(emu, 'exists', [sent]);
  });

  test('an access key the service does not know: UnrecognizedClientException', async () => {
    await startFake({
      verifySignatures: [{ accessKeyId: 'AKIDKNOWN', secretAccessKey: 'known-secret' }],
    });
    producer = producerFor(fake!.endpoint, LONG_TTL);
    const err = await failure(producer.addUserRecord('s', 'k', payload(1, 50)));
    expectFailedFast(err, 'UnrecognizedClientException', 'security token');
    expect(err.message).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  });

  test.each([
    ['AccessDeniedException', 'User is not authorized to perform: kinesis:PutRecords'],
    ['KMSDisabledException', 'The KMS key is disabled'],
    ['KMSNotFoundException', 'The KMS key was not found'],
    ['KMSAccessDeniedException', 'Access to the KMS key was denied'],
    [
      'ValidationException',
      "1 validation error detected: Value 'bad/name' at 'streamName' failed to satisfy constraint",
    ],
  ])('%s', async (code, message) => {
    await startFake();
    fake!.injectFaults(
      { kind: 'status', status: 400, errorType: code, message },
      { times: Number.POSITIVE_INFINITY },
    );
    producer = producerFor(fake!.endpoint, LONG_TTL);
    const errs = await Promise.all(
      [0, 1, 2, 3].map((i) => failure(producer!.addUserRecord('s', `k${i}`, payload(i, 50)))),
    );
    for (const err of errs) expectFailedFast(err, code, message);
  });

  test('credentials fixed between attempts: the record is delivered', async () => {
    await startFake({
      verifySignatures: [{ accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' }],
    });
    // The first refused PutRecords makes the fake accept the producer's key, as if the key had just
    // been granted: the next attempt must go through.
    fake!.onSignatureRejected = (op) => {
      if (op === 'PutRecords') fake!.setAcceptedCredentials([TEST_CREDENTIALS]);
    };
    producer = producerFor(fake!.endpoint, LONG_TTL);
    const sent: SentRecord = { partitionKey: 'k', data: payload(1, 50) };
    const r = await producer.addUserRecord('s', sent.partitionKey, sent.data);
    sent.result = r;
    expect(r.successful).toBe(true);
    expect(r.attempts[0]!.errorCode).toBe('UnrecognizedClientException');
    expect(r.attempts.at(-1)!.successful).toBe(true);
    verifyDelivery([sent], deaggregateAll(fake!.records('s')), fake!.shards('s'));
  });
});

describe('passing faults keep being retried', () => {
  test('503s beyond the fatal allowance: every record still arrives', async () => {
    await startFake();
    fake!.injectFaults({ kind: 'status', status: 503 }, { times: FATAL_ATTEMPTS + 2 });
    producer = producerFor(fake!.endpoint, LONG_TTL);
    const sent: SentRecord = { partitionKey: 'k', data: payload(1, 50) };
    const r: UserRecordResult = await producer.addUserRecord('s', sent.partitionKey, sent.data);
    sent.result = r;
    verifyDelivery([sent], deaggregateAll(fake!.records('s')), fake!.shards('s'));
    expect(r.successful).toBe(true);
    expect(r.attempts.length).toBe(FATAL_ATTEMPTS + 3);
    expect(r.attempts.slice(0, -1).every((a) => a.errorCode === 'ServiceUnavailable')).toBe(true);
  });

  test('a record that runs out of time names the service error that kept it out', async () => {
    await startFake();
    fake!.injectFaults(
      { kind: 'partial', fraction: 1, errorCode: 'ProvisionedThroughputExceededException' },
      { times: Number.POSITIVE_INFINITY },
    );
    producer = producerFor(fake!.endpoint, { recordTtl: 1500 });
    const err = await failure(producer.addUserRecord('s', 'k', payload(1, 50)));
    expect(err.result.attempts.at(-1)!.errorCode).toMatch(/^Expired/);
    expect(err.message).toMatch(
      /failed after \d+ attempt\(s\): ProvisionedThroughputExceededException: .*\(then Expired/,
    );
  });
});

describe('clock skew', () => {
  test.each([
    ['ahead', 20 * 60_000],
    ['behind', -20 * 60_000],
  ])(
    'a service clock 20 minutes %s: the signer corrects its time and every record arrives',
    async (_how, offset) => {
      await startFake({
        streams: { s: 4 },
        verifySignatures: [TEST_CREDENTIALS],
        clockOffsetMs: offset,
      });
      producer = producerFor(fake!.endpoint, LONG_TTL);
      const sent: SentRecord[] = [];
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++) {
        const rec: SentRecord = { partitionKey: `key-${i}`, data: payload(i, 40 + (i % 90)) };
        sent.push(rec);
        all.push(
          producer.addUserRecord('s', rec.partitionKey, rec.data).then((r) => {
            rec.result = r;
          }),
        );
      }
      await Promise.all(all);
      const skewed = sent.filter((s) =>
        (s.result as UserRecordResult).attempts.some(
          (a) => a.errorCode === 'InvalidSignatureException',
        ),
      );
      // The first requests were refused; everything after the correction was accepted at once.
      expect(skewed.length).toBeGreaterThan(0);
      for (const s of skewed) {
        expect((s.result as UserRecordResult).attempts.at(-1)!.successful).toBe(true);
      }
      const shards = fake!.shards('s');
      const found = deaggregateAll(fake!.records('s'));
      verifyDelivery(sent, found, shards);
    },
  );
});
