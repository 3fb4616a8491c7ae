// One bad input fails only its records: the daemon, driven frame by frame over its stdio, is fed
// valid but extreme frames, and answered by an endpoint with garbage, extreme and truncated
// bodies. It never dies: every record gets exactly one result, the good ones arrive exactly as
// sent, and closing stdin still ends it with code 0.
import { afterEach, expect, test } from '@jest/globals';
import {
  messageFrame,
  putFrame as put,
  resultsById,
  resultsFor,
  type runDaemon,
  sendNumbered,
  startDaemonFor,
} from '../support/daemon-process.js';
import { FakeKinesis, type RawResponse } from '../support/fake-kinesis.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';
import { waitFor } from '../support/wait.js';

let fake: FakeKinesis | undefined;
let daemon: ReturnType<typeof runDaemon> | undefined;
afterEach(async () => {
  daemon?.kill();
  daemon = undefined;
  await fake?.stop();
  fake = undefined;
});

function storedUserRecords(stream = 's') {
  return deaggregateAll(fake!.records(stream));
}

test('valid but extreme frames: each bad record fails alone, the daemon keeps running', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  const d = (daemon = startDaemonFor(fake.endpoint));
  const good: SentRecord[] = [];
  const ids: number[] = [];
  let next = 10;
  const send = (pk: string, data: Uint8Array, extra = {}, expectOk = true) => {
    const id = next++;
    ids.push(id);
    d.write(put(id, pk, data, extra));
    if (expectOk) good.push({ partitionKey: pk, data: Buffer.from(data), ...extra });
    return id;
  };
  const bad: number[] = [];
  // Records Kinesis takes: empty data, the largest data, the longest key in 4-byte characters,
  // the hash key range's ends, the smallest and largest ids.
  send('empty', new Uint8Array(0));
  send('largest', Buffer.alloc(1024 * 1024 - 7, 7));
  send('🦘'.repeat(128), Buffer.from('longest key'));
  send('ends-0', Buffer.from('low'), { explicitHashKey: '0' });
  send('ends-max', Buffer.from('high'), {
    explicitHashKey: '340282366920938463463374607431768211455',
  });
  d.write(put(0, 'id-zero', Buffer.from('id 0')));
  ids.push(0);
  good.push({ partitionKey: 'id-zero', data: Buffer.from('id 0') });
  d.write(put(2 ** 53 - 1, 'id-max', Buffer.from('id max')));
  ids.push(2 ** 53 - 1);
  good.push({ partitionKey: 'id-max', data: Buffer.from('id max') });
  // Records that must fail, each alone.
  bad.push(send('x'.repeat(257), Buffer.from('key too long'), {}, false));
  bad.push(send('', Buffer.from('empty key'), {}, false));
  bad.push(send('data-too-big', Buffer.alloc(10 * 1024 * 1024, 1), {}, false));
  for (const ehk of ['340282366920938463463374607431768211456', '-1', 'abc', '1e5', ' 1']) {
    bad.push(send(`ehk ${ehk}`, Buffer.from('bad hash key'), { explicitHashKey: ehk }, false));
  }
  bad.push(send('no-stream', Buffer.from('empty stream name'), { streamName: '' }, false));
  // Control messages out of place or with extreme values.
  for (const m of [
    { case: 'flush', value: { streamName: 'no such stream' } },
    { case: 'flush', value: {} },
    { case: 'metricsRequest', value: { name: '\u0000', seconds: 2n ** 63n } },
    { case: 'metricsRequest', value: {} },
    { case: 'streamMetadata', value: { streamName: '', streamId: '' } },
    { case: 'streamMetadata', value: { streamName: 's', streamId: 'x'.repeat(100_000) } },
    { case: 'configuration', value: { region: 'eu-west-1' } },
    { case: 'fatalError', value: { code: 'X', message: 'y' } },
    { case: 'putRecordResult', value: { success: true, attempts: [] } },
  ] as const) {
    d.write(messageFrame({ id: 5n, sourceId: 7n, actualMessage: m } as never));
  }
  // After all that, ordinary records still go through.
  for (let i = 0; i < 50; i++) send(`after-${i}`, Buffer.from(`after ${i}`));

  const results = await waitFor(
    'a result for every record',
    () => {
      const r = resultsById(d.messages);
      return ids.every((id) => r.has(id)) ? r : undefined;
    },
    { timeoutMs: 40_000, intervalMs: 100 },
  );
  for (const id of bad) expect([id, results.get(id)!.successful]).toEqual([id, false]);
  expect(results.get(bad[2]!)!.codes.at(-1)).toBe('RecordTooLarge');
  expect(ids.filter((id) => results.get(id)!.successful)).toHaveLength(good.length);
  verifyDelivery(good, storedUserRecords(), fake.shards('s'));
  d.end();
  const r = await d.exited;
  expect(r.code).toBe(0);
  expect(r.stderr).not.toMatch(/^fatal/m);
});

/** Garbage, extreme and truncated answers, each given to one PutRecords request. */
const GARBAGE: ((entries: number) => RawResponse)[] = (() => {
  const huge = 'm'.repeat(3 * 1024 * 1024);
  const each = (make: () => unknown) => (n: number) => ({
    status: 200,
    body: JSON.stringify({ Records: Array.from({ length: n }, make) }),
  });
  const fixed = (r: RawResponse) => () => r;
  return [
    fixed({ status: 200, body: 'null' }),
    fixed({ status: 200, body: '[]' }),
    fixed({ status: 200, body: '"Records"' }),
    fixed({ status: 200, body: '{"Records":null}' }),
    fixed({ status: 200, body: '{"Records":[null]}' }),
    each(() => ({ SequenceNumber: 5 })),
    each(() => ({ ErrorCode: 7, ErrorMessage: {} })),
    // Huge per-entry texts, within the body cap and beyond it.
    (n) => ({
      status: 200,
      body: JSON.stringify({
        Records: Array.from({ length: n }, () => ({
          ErrorCode: 'InternalFailure',
          ErrorMessage: huge.slice(0, Math.floor(900_000 / n)),
        })),
      }),
    }),
    (n) => ({
      status: 200,
      body: JSON.stringify({
        Records: Array.from({ length: n }, () => ({
          ErrorCode: huge.slice(0, Math.floor(900_000 / n)),
          ErrorMessage: 'code too long',
        })),
      }),
    }),
    fixed({ status: 200, body: `{"Records":[{"ErrorCode":"X","ErrorMessage":"${huge}"}]}` }),
    fixed({ status: 200, body: Buffer.alloc(20 * 1024 * 1024, 0x20) }),
    fixed({
      status: 500,
      body: `{"__type":"InternalFailure","message":"${huge.slice(0, 900_000)}"}`,
    }),
    fixed({ status: 500, body: Buffer.alloc(20 * 1024 * 1024, 0x78) }),
    fixed({ status: 400, body: '{"__type":5,"message":null}' }),
    fixed({ status: 503, body: '', headers: { 'x-amzn-errortype': huge.slice(0, 4000) } }),
    fixed({ status: 200, body: '{"Records":[{"SequenceNumber":"1","Sh' }),
    fixed({ status: 204, body: '' }),
  ];
})();

test('garbage, huge and truncated PutRecords answers fail or retry the records concerned, never the daemon', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  let round = 0;
  fake.respond = (op, input) => {
    if (op !== 'PutRecords' || round >= GARBAGE.length) return undefined;
    return GARBAGE[round++]!((input.Records as unknown[]).length);
  };
  const d = (daemon = startDaemonFor(fake.endpoint, { recordMaxBufferedTime: 50n }));
  const sent = sendNumbered(d, 200);
  const results = await resultsFor(d, sent.length);
  expect(round).toBe(GARBAGE.length);
  expect([...results.values()].filter((r) => !r.successful)).toEqual([]);
  verifyDelivery(sent, storedUserRecords(), fake.shards('s'));
  d.end();
  const r = await d.exited;
  expect(r.code).toBe(0);
  expect(r.stderr).not.toMatch(/^fatal/m);
});

test('a garbage ListShards answer is retried; the daemon keeps running and delivers', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  const answers: RawResponse[] = [
    {
      status: 200,
      body: '{"Shards":[{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"abc","EndingHashKey":"1e9"}}]}',
    },
    { status: 200, body: '{"Shards":[{"ShardId":null}]}' },
    { status: 200, body: '{"Shards":"none"}' },
    { status: 200, body: Buffer.alloc(20 * 1024 * 1024, 0x20) },
  ];
  fake.respond = (op) => (op === 'ListShards' ? answers.shift() : undefined);
  const d = (daemon = startDaemonFor(fake.endpoint));
  const sent = sendNumbered(d, 100);
  // Records do not wait for a map that cannot be had: they go out unaggregated meanwhile.
  await waitFor(
    'every result, and every garbage answer given',
    () => resultsById(d.messages).size === sent.length && answers.length === 0,
    { timeoutMs: 40_000, intervalMs: 100 },
  );
  expect(d.stderr()).toMatch(
    /ListShards failed \(ListShardsAnswerError: shard shardId-0+ has no valid hash key range\)/,
  );
  verifyDelivery(sent, storedUserRecords(), fake.shards('s'));
  d.end();
  const r = await d.exited;
  expect(r.code).toBe(0);
  expect(r.stderr).not.toMatch(/^fatal/m);
});
