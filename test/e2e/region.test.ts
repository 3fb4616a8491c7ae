// A producer without a region takes it from the SDK's region chain (here the shared config
// file), which answers asynchronously: records added meanwhile wait in the wrapper, behind the
// Configuration frame, and none is lost. With no region anywhere the daemon says what to set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { DaemonExitedError } from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { isolateAwsEnv } from '../support/aws-env.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';

let restoreEnv: () => void = () => {};
let dir: string;
let fake: FakeKinesis | undefined;

beforeEach(() => {
  restoreEnv = isolateAwsEnv();
  dir = mkdtempSync(join(tmpdir(), 'kp-region-'));
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(async () => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
  await fake?.stop();
  fake = undefined;
});

test('the region comes from the profile in the config file; records sent at once all arrive', async () => {
  writeFileSync(join(dir, 'config'), '[profile analytics]\nregion = eu-central-1\n');
  process.env.AWS_PROFILE = 'analytics';
  // The fake checks that signatures are scoped to its region, so delivery proves the region.
  fake = await FakeKinesis.start({
    streams: { s: 2 },
    region: 'eu-central-1',
    verifySignatures: [TEST_CREDENTIALS],
  });
  const producer = producerFor(fake.endpoint, { region: undefined });
  let run: ReturnType<typeof sendRecords>;
  try {
    // All of this happens before the config file has been read.
    producer.setStreamId('s', 'stream-id-7');
    run = sendRecords(producer, 's', 500);
    producer.flush();
    // Proof that this run took the waiting path: the channel is still holding the frames.
    expect(producerInternals(producer).waitingForConfiguration).toBe(true);
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  verifyDelivery(run.sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});

test('with no region anywhere, records fail with an error that says where to set one', async () => {
  writeFileSync(join(dir, 'config'), '[default]\noutput = json\n');
  fake = await FakeKinesis.start({ streams: { s: 1 } });
  const producer = producerFor(fake.endpoint, { region: undefined });
  const err = await producer.addUserRecord('s', 'k', 'data').catch((e: unknown) => e);
  await producer.close().catch(() => {});
  expect(err).toBeInstanceOf(DaemonExitedError);
  expect((err as Error).message).toMatch(/no region: set the region option, AWS_REGION/);
});

test('closing before the region is known still ends the daemon cleanly', async () => {
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n');
  fake = await FakeKinesis.start({ streams: { s: 1 } });
  const producer = producerFor(fake.endpoint, { region: undefined });
  const internals = producerInternals(producer);
  expect(internals.waitingForConfiguration).toBe(true);
  await producer.close();
  expect(internals.daemonAlive).toBe(false);
});
