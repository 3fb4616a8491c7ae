// Memory bounded whatever the endpoint answers: bodies over the cap are not read, error texts are
// capped, and a record retried many times keeps only its first and last attempts plus a count,
// so its result stays far below the frame limit and still says how many attempts there were.
import { afterEach, expect, test } from '@jest/globals';
import { resultsFor, sendNumbered, startDaemonFor } from '../support/daemon-process.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { deaggregateAll } from '../support/read-back.js';
import { verifyDelivery } from '../support/verify.js';

let fake: FakeKinesis | undefined;
let daemon: ReturnType<typeof startDaemonFor> | undefined;
afterEach(async () => {
  daemon?.kill();
  daemon = undefined;
  await fake?.stop();
  fake = undefined;
});

const FAILURES = 12;

test('records failed again and again with huge messages: small results that count every attempt', async () => {
  fake = await FakeKinesis.start({ streams: { s: 2 } });
  const failures = new Map<string, number>();
  let first = true;
  fake.respond = (op, input) => {
    if (op !== 'PutRecords') return undefined;
    const keys = (input.Records as { PartitionKey: string }[]).map((r) => r.PartitionKey);
    if (keys.every((k) => (failures.get(k) ?? 0) >= FAILURES)) return undefined;
    for (const k of keys) failures.set(k, (failures.get(k) ?? 0) + 1);
    if (first) {
      // Over the body cap: not read, the request fails as ResponseTooLarge.
      first = false;
      return { status: 200, body: Buffer.alloc(2 * 1024 * 1024, 0x20) };
    }
    // As much message as fits under the body cap, for each entry.
    const message = 'm'.repeat(Math.floor(900_000 / keys.length));
    const Records = keys.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: message }));
    return { status: 200, body: JSON.stringify({ FailedRecordCount: keys.length, Records }) };
  };
  const d = (daemon = startDaemonFor(fake.endpoint, {
    aggregationEnabled: false,
    retryBackoffBase: 1n,
    retryBackoffMax: 20n,
  }));
  const sent = sendNumbered(d, 5);
  const results = await resultsFor(d, sent.length);
  const codes = new Set<string>();
  for (const [id, r] of results) {
    expect(r.successful).toBe(true);
    const total = failures.get(`k${id}`)! + 1;
    // The first three, one entry for the ones between, the last three.
    expect(r.codes).toHaveLength(7);
    expect(r.codes[3]).toBe('AttemptsOmitted');
    expect(r.messages[3]).toMatch(new RegExp(`^${total - 6} attempts omitted \\(${total} in all;`));
    for (const m of r.messages) expect(m.length).toBeLessThan(1100);
    for (const c of r.codes) codes.add(c);
  }
  expect([...codes].sort()).toEqual(
    expect.arrayContaining(['ResponseTooLarge', 'InternalFailure', 'AttemptsOmitted']),
  );
  verifyDelivery(sent, deaggregateAll(fake.records('s')), fake.shards('s'));
});
