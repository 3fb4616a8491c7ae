// KinesisProducer.fromPropertiesFile: a KPL .properties file (with the defects of the KPL's own
// sample) configures a working producer; code overrides win; bad values name their key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import {
  InvalidOptionError,
  KinesisProducer,
  loadPropertiesFile,
} from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';

let dir: string;
let fake: FakeKinesis | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kp-props-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a KPL properties file configures the producer, and overrides from code win', async () => {
  // Signatures must be scoped to us-east-1: the file's us-west-2 would be refused.
  fake = await FakeKinesis.start({ streams: { s: 2 }, verifySignatures: [TEST_CREDENTIALS] });
  const path = file(
    'producer.properties',
    [
      '# as the KPL sample writes them',
      'AggregationEnabled = false',
      'RecordMaxBufferedTime = 50',
      `KinesisEndpoint = ${fake.endpoint}`,
      'Region = us-west-2',
      'MaxUserRecordSize = 1048576;',
      'ThreadingModel = POOLED',
      'RecordTtl = 30000   ',
    ].join('\n'),
  );
  const warnings: string[] = [];
  const producer = await KinesisProducer.fromPropertiesFile(path, {
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    logger: { warn: (m) => warnings.push(m) },
  });
  let run: ReturnType<typeof sendRecords>;
  try {
    run = sendRecords(producer, 's', 200);
    await run.done;
  } finally {
    await producer.close();
  }
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  // AggregationEnabled = false took effect: every stored record is one user record, as sent.
  const found = deaggregateAll(fake.records('s'));
  expect(found.filter((f) => f.aggregated)).toEqual([]);
  verifyDelivery(run.sent, found, fake.shards('s'));
  expect(warnings.join('\n')).toMatch(/MaxUserRecordSize = 1048576; has a trailing ';'/);
  expect(warnings.join('\n')).toMatch(/ThreadingModel has no effect/);
});

test('a bad value fails with the property key and its text', async () => {
  const path = file('bad.properties', 'RecordTtl = 50\n');
  const err = await KinesisProducer.fromPropertiesFile(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as Error).message).toMatch(/RecordTtl/);
  expect((err as Error).message).toMatch(/50/);
});

test('a missing file fails before any daemon starts', async () => {
  await expect(KinesisProducer.fromPropertiesFile(join(dir, 'nope.properties'))).rejects.toThrow(
    /ENOENT/,
  );
});

test('loadPropertiesFile is exported for callers that merge options themselves', async () => {
  const path = file('plain.properties', 'MaxConnections = 12\nFailIfThrottled = true\n');
  await expect(loadPropertiesFile(path)).resolves.toEqual({
    maxConnections: 12,
    failIfThrottled: true,
  });
});
