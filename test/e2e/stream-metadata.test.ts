// setStreamId (the KPL's StreamMetadata): the id travels as StreamId on PutRecords and on the
// first page of ListShards. And every request names the product and its version.
import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from '@jest/globals';
import { VERSION } from '../../packages/daemon/src/version.js';
import { ValidationError } from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { sendRecords } from '../support/send-records.js';
import { verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

interface Seen {
  op: string;
  stream: unknown;
  streamId: unknown;
  nextToken: unknown;
  userAgent: string;
}

test('a stream id set before sending goes on ListShards and on every PutRecords', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2, other: 1 } });
  const seen: Seen[] = [];
  fake.onRequest = (op, req, input) =>
    seen.push({
      op,
      stream: input.StreamName,
      streamId: input.StreamId,
      nextToken: input.NextToken,
      userAgent: String(req.headers['user-agent']),
    });
  const producer = producerFor(fake.endpoint);
  let run: ReturnType<typeof sendRecords>;
  let other: ReturnType<typeof sendRecords>;
  try {
    producer.setStreamId('s', '  a1b2c3d4-stream-id ');
    run = sendRecords(producer, 's', 400);
    other = sendRecords(producer, 'other', 50, { from: 400 });
    await Promise.all([run.done, other.done]);
    // Records can all be sent before the shard maps are read (they then go unaggregated).
    await waitFor('both shard maps read', () =>
      ['s', 'other'].every((n) => seen.some((x) => x.op === 'ListShards' && x.stream === n)),
    );
  } finally {
    await producer.close();
  }
  expect([...run.failed, ...other.failed]).toEqual([]);
  verifyDelivery(run.sent, deaggregateAll(fake.records('s')), fake.shards('s'));

  const forS = seen.filter((x) => x.stream === 's');
  const lists = forS.filter((x) => x.op === 'ListShards');
  const puts = forS.filter((x) => x.op === 'PutRecords');
  expect(lists.length).toBeGreaterThan(0);
  expect(puts.length).toBeGreaterThan(0);
  // Trimmed, as the KPL does.
  for (const x of [...lists, ...puts]) expect(x.streamId).toBe('a1b2c3d4-stream-id');
  // A stream without an id sends none.
  for (const x of seen.filter((y) => y.stream === 'other')) expect(x.streamId).toBeUndefined();

  // Both the data path and the SDK's control plane name the product and its version.
  for (const x of seen) expect(x.userAgent).toContain(`kinesis-producer/${VERSION}`);
  expect(new Set(seen.map((x) => x.op))).toEqual(new Set(['ListShards', 'PutRecords']));
});

test('setStreamId rejects a blank stream name or id', async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
  const producer = producerFor(fake.endpoint);
  try {
    expect(() => producer.setStreamId(' ', 'id')).toThrow(ValidationError);
    expect(() => producer.setStreamId('s', '')).toThrow(ValidationError);
    expect(() => producer.setStreamId('s', undefined as unknown as string)).toThrow(/streamId/);
  } finally {
    await producer.close();
  }
});

test("the version in the User-Agent is the wrapper package's version", () => {
  const pkg = JSON.parse(
    readFileSync(new URL('../../packages/kinesis-producer/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
