// A stream named by its ARN, as a producer writing to another account's stream does: the ARN
// travels as StreamARN (never with a StreamName) on ListShards and PutRecords, every record
// arrives, and metrics count the stream under its name. kinesalite does not know StreamARN, so
// the emulator here is kinesis-local; the fake shows what went on the wire.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  InvalidOptionError,
  type KinesisProducer,
  type Logger,
  type Metric,
  UserRecordFailedError,
  ValidationError,
} from '../../packages/kinesis-producer/src/index.js';
import { isolateAwsEnv } from '../support/aws-env.js';
import { createStream, type Emulator, startKinesisLocal } from '../support/emulators.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/kinesis-client.js';
import { expectDelivered, payload, producerFor, tearDown } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

// The account of both kinesis-local and the fake.
const ACCOUNT = '000000000000';
const arnOf = (name: string, region = TEST_REGION) =>
  `arn:aws:kinesis:${region}:${ACCOUNT}:stream/${name}`;

let producer: KinesisProducer | undefined;
let endpoint: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await tearDown(producer, endpoint);
  producer = endpoint = undefined;
});

/** Records through addUserRecord, put() and putMany(), all naming the stream by `stream`. */
async function sendEveryWay(p: KinesisProducer, stream: string, n: number) {
  const sent: SentRecord[] = [];
  const promised: Promise<unknown>[] = [];
  const failures: unknown[] = [];
  p.onPutFailure((f) => failures.push(f));
  const rec = (i: number): SentRecord => {
    const r = { partitionKey: `key-${i}`, data: payload(i, 20 + (i % 300)) };
    sent.push(r);
    return r;
  };
  for (let i = 0; i < n; i++) {
    const r = rec(i);
    promised.push(
      p.addUserRecord(stream, r.partitionKey, r.data).then((res) => {
        r.result = res;
      }),
    );
  }
  for (let i = n; i < 2 * n; i++) {
    const r = rec(i);
    p.put(stream, r.partitionKey, r.data);
  }
  const many = Array.from({ length: n }, (_, i) => rec(2 * n + i));
  expect(p.putMany(stream, many)).toBe(n);
  await Promise.all(promised);
  await p.flushSync();
  expect(failures).toEqual([]);
  return sent;
}

test('kinesis-local: records sent by ARN all arrive, once, where the producer said', async () => {
  const emu: Emulator = await startKinesisLocal();
  endpoint = emu;
  await createStream(emu, 'cross', 3);
  producer = producerFor(emu.endpoint);
  const sent = await sendEveryWay(producer, arnOf('cross'), 1000);
  await producer.close();
  const check = await expectDelivered(emu, 'cross', sent);
  expect(check.duplicates).toBe(0);
  expect(check.userRecords).toBe(3000);
});

interface Seen {
  op: string;
  name: unknown;
  arn: unknown;
  streamId: unknown;
}

function metric(ms: Metric[], name: string, dims: Record<string, string>): Metric | undefined {
  return ms.find((m) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dims));
}

class Capture implements Logger {
  readonly lines: string[] = [];
  trace(m: string) {
    this.lines.push(m);
  }
  debug(m: string) {
    this.lines.push(m);
  }
  info(m: string) {
    this.lines.push(m);
  }
  warn(m: string) {
    this.lines.push(m);
  }
  error(m: string) {
    this.lines.push(m);
  }
}

test('the fake: StreamARN alone on every request of that stream, StreamName for the others; metrics by name, logs by ARN', async () => {
  const fake = await FakeKinesis.start({
    streams: { s: 2, other: 1 },
    verifySignatures: [TEST_CREDENTIALS],
  });
  endpoint = fake;
  const seen: Seen[] = [];
  fake.onRequest = (op, _req, input) =>
    seen.push({ op, name: input.StreamName, arn: input.StreamARN, streamId: input.StreamId });
  const logger = new Capture();
  producer = producerFor(fake.endpoint, { logger, logLevel: 'debug' });
  producer.setStreamId(arnOf('s'), 'id-of-s');
  const byArn = sendRecords(producer, arnOf('s'), 600);
  const byName = sendRecords(producer, 'other', 100, { from: 600 });
  await Promise.all([byArn.done, byName.done]);
  expect([...byArn.failed, ...byName.failed]).toEqual([]);
  const ms = await producer.getMetrics('UserRecordsPut');
  await producer.close();

  verifyAll(fake, 's', byArn.sent);
  verifyAll(fake, 'other', byName.sent);
  const forS = seen.filter((x) => x.arn !== undefined);
  expect(new Set(forS.map((x) => x.op))).toEqual(new Set(['ListShards', 'PutRecords']));
  for (const x of forS) expect(x).toMatchObject({ name: undefined, arn: arnOf('s') });
  for (const x of forS) expect(x.streamId).toBe('id-of-s');
  const forOther = seen.filter((x) => x.arn === undefined);
  expect(forOther.length).toBeGreaterThan(0);
  for (const x of forOther) expect(x.name).toBe('other');
  expect(fake.stats.byStreamArn.PutRecords).toBe(forS.filter((x) => x.op === 'PutRecords').length);

  // Metrics name the stream as Kinesis' own metrics do; the logs say which account's it is.
  expect(metric(ms, 'UserRecordsPut', { StreamName: 's' })?.sum).toBe(600);
  expect(ms.some((m) => m.dimensions.StreamName?.startsWith('arn:'))).toBe(false);
  expect(logger.lines.some((l) => l.includes(`stream ${arnOf('s')}:`))).toBe(true);
});

test('streamArns: records that name the stream go out with its ARN; their errors keep the name', async () => {
  const fake = await FakeKinesis.start({ streams: { s: 2 } });
  endpoint = fake;
  const seen: Seen[] = [];
  fake.onRequest = (op, _req, input) =>
    seen.push({ op, name: input.StreamName, arn: input.StreamARN, streamId: input.StreamId });
  producer = producerFor(fake.endpoint, { streamArns: { s: arnOf('s') } });
  producer.setStreamId('s', 'id-of-s');
  const run = sendRecords(producer, 's', 300);
  await run.done;
  expect(run.failed).toEqual([]);
  verifyAll(fake, 's', run.sent);
  expect(new Set(seen.map((x) => x.op))).toEqual(new Set(['ListShards', 'PutRecords']));
  for (const x of seen) {
    expect(x).toMatchObject({ name: undefined, arn: arnOf('s'), streamId: 'id-of-s' });
  }

  // A record Kinesis refuses for good (here: every entry throttled, failIfThrottled) names the
  // stream as the caller did.
  await producer.close();
  producer = producerFor(fake.endpoint, {
    streamArns: { s: arnOf('s') },
    failIfThrottled: true,
  });
  fake.injectFaults(
    { kind: 'partial', fraction: 1, errorCode: 'ProvisionedThroughputExceededException' },
    { times: 1 },
  );
  const err = await producer.addUserRecord('s', 'k', 'd').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserRecordFailedError);
  expect((err as UserRecordFailedError).userRecord.streamName).toBe('s');
});

test("streamArns of another region than the producer's is refused by the constructor", () => {
  let err: unknown;
  try {
    producer = producerFor('http://127.0.0.1:1', {
      streamArns: { s: arnOf('s', 'eu-west-1') },
    });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).option).toBe('streamArns.s');
  expect((err as Error).message).toMatch(
    /stream ARN is in region eu-west-1 but this producer sends to us-east-1/,
  );
});

function verifyAll(fake: FakeKinesis, stream: string, sent: SentRecord[]) {
  verifyDelivery(sent, deaggregateAll(fake.records(stream)), fake.shards(stream));
}

describe('a bad ARN fails at the call site, naming the field and what is allowed', () => {
  const FORM = /arn:<partition>:kinesis:<region>:<12-digit account id>:stream\/<name>/;
  const malformed = [
    'arn:aws:kinesis:us-east-1:123:stream/s',
    'arn:aws:kinesis:us-east-1:000000000000:stream/',
    'arn:aws:sqs:us-east-1:000000000000:s',
  ];
  const otherRegion = arnOf('s', 'eu-west-1');
  const OTHER_REGION =
    /stream ARN is in region eu-west-1 but this producer sends to us-east-1; use a producer configured with region eu-west-1/;

  test.each([
    ...malformed.map((arn) => [arn, FORM] as const),
    [otherRegion, OTHER_REGION] as const,
  ])('%s', async (arn, why) => {
    const fake = await FakeKinesis.start({ streams: { s: 1 } });
    endpoint = fake;
    const p = producerFor(fake.endpoint);
    producer = p;
    const calls: [string, () => unknown][] = [
      ['addUserRecord', () => p.addUserRecord(arn, 'k', 'd')],
      ['put', () => p.put(arn, 'k', 'd')],
      ['putMany', () => p.putMany(arn, [{ partitionKey: 'k', data: 'd' }])],
      ['writable', () => p.writable(arn)],
      ['setStreamId', () => p.setStreamId(arn, 'id')],
      ['flush', () => p.flush(arn)],
    ];
    for (const [name, call] of calls) {
      let err: unknown;
      try {
        await call();
      } catch (e) {
        err = e;
      }
      expect([name, err]).toEqual([name, expect.any(ValidationError)]);
      expect((err as ValidationError).field).toBe('streamName');
      expect((err as ValidationError).code).toBe('ERR_INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(why);
    }
    expect(p.getOutstandingRecordsCount()).toBe(0);
  });
});

describe('while the region is still being looked up', () => {
  let restoreEnv: () => void = () => {};
  let dir = '';
  afterEach(() => {
    restoreEnv();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an ARN of another region fails in the daemon with the same reason; the rest arrives', async () => {
    restoreEnv = isolateAwsEnv();
    dir = mkdtempSync(join(tmpdir(), 'kp-arn-'));
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    writeFileSync(join(dir, 'config'), `[default]\nregion = ${TEST_REGION}\n`);
    const fake = await FakeKinesis.start({ streams: { s: 2 } });
    endpoint = fake;
    producer = producerFor(fake.endpoint, { region: undefined });
    // Both are taken before the config file has been read, so the wrapper cannot tell yet.
    const wrong = producer.addUserRecord(arnOf('s', 'eu-west-1'), 'k', 'd').catch((e) => e);
    const good = sendRecords(producer, arnOf('s'), 200);
    await good.done;
    const err = await wrong;
    expect(err).toBeInstanceOf(UserRecordFailedError);
    const last = (err as UserRecordFailedError).result.attempts.at(-1);
    expect(last?.errorCode).toBe('InvalidRecord');
    expect(last?.errorMessage).toMatch(
      /stream ARN is in region eu-west-1 but this producer sends to us-east-1/,
    );
    expect(good.failed).toEqual([]);
    verifyAll(fake, 's', good.sent);
    // Once the region is known, the wrapper refuses such a record itself.
    expect(() => producer!.put(arnOf('s', 'eu-west-1'), 'k', 'd')).toThrow(ValidationError);
  });
});
