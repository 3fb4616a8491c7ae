// The pipeline against the fake Kinesis: a record's first send reads its bytes where they arrived;
// a record held for a retry has copied them out of the input chunk.
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { FakeKinesis } from '../../../test/support/fake-kinesis.js';
import { waitFor } from '../../../test/support/wait.js';
import { now } from './clock.js';
import { readConfig } from './config.js';
import { CredentialsHolder } from './credentials-holder.js';
import { hashKeyFromDecimal } from './hex-hash-key.js';
import { createControlClient, listShardsWith } from './kinesis-control.js';
import { Pipeline } from './pipeline.js';
import { PutRecordsClient } from './put-records-client.js';
import { UserRecord } from './user-record.js';

let fake: FakeKinesis;
beforeAll(async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
});
afterAll(async () => {
  await fake.stop();
});

test('records pin their input chunk on the first send only; a retried record has its own bytes', async () => {
  const c = readConfig(
    create(ConfigurationSchema, {
      region: 'us-east-1',
      kinesisEndpointUrl: fake.endpoint,
      recordMaxBufferedTime: 10n,
      retryBackoffBase: 1n,
      retryBackoffMax: 10n,
    }),
  );
  const creds = new CredentialsHolder();
  creds.set({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
  const client = new PutRecordsClient(c, creds, 'test');
  const control = createControlClient(c, creds, 'test');
  const done: UserRecord[] = [];
  const p = new Pipeline('s', c, listShardsWith(control), client, (ur) => done.push(ur));
  const chunk = Buffer.alloc(64 * 1024);
  const records = Array.from({ length: 10 }, (_, i) => {
    chunk.write(`record ${i}`, i * 100);
    return new UserRecord(
      i,
      `k${i}`,
      undefined,
      chunk.subarray(i * 100, i * 100 + 8),
      hashKeyFromDecimal(i),
      now(),
      c.recordMaxBufferedTime,
      c.recordTtl,
    );
  });
  const detachedAtRequest: boolean[][] = [];
  fake.onRequest = (op) => {
    if (op === 'PutRecords') detachedAtRequest.push(records.map((ur) => ur.detached));
  };
  fake.injectFaults({ kind: 'status', status: 500 }, { times: 1 });
  try {
    for (const ur of records) p.put(ur);
    await waitFor('every record done', () => done.length === records.length);
  } finally {
    p.close();
    control.destroy();
    await client.close();
  }
  expect(done.every((ur) => ur.attempts.at(-1)!.success)).toBe(true);
  // All ten in one request that failed, then sent again.
  expect(detachedAtRequest).toEqual([Array(10).fill(false), Array(10).fill(true)]);
  chunk.fill(0);
  expect(records.map((ur) => Buffer.from(ur.data).toString())).toEqual(
    records.map((_, i) => `record ${i}`),
  );
});
