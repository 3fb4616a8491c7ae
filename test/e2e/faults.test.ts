// Delivery under the faults real Kinesis produces, against the fault-injecting fake: every
// record either arrives exactly as sent or fails with the right error once its TTL has run out.
import { afterEach, describe, expect, test } from '@jest/globals';
import type {
  KinesisProducer,
  KinesisProducerOptions,
  UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import { UserRecordFailedError } from '../../packages/kinesis-producer/src/index.js';
import { FakeKinesis, type FakeKinesisOptions, type Fault } from '../support/fake-kinesis.js';
import { payload, producerFor, producerWithShardMap } from '../support/producer.js';
import { deaggregateAll } from '../support/read-back.js';
import { type SentRecord, verifyDelivery } from '../support/verify.js';

const COUNT = 10_000;

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

interface Run {
  sent: SentRecord[];
  ok: SentRecord[];
  failed: { rec: SentRecord; err: UserRecordFailedError }[];
}

async function run(
  fakeOptions: Partial<FakeKinesisOptions>,
  options: KinesisProducerOptions,
  faults: [Fault, { times?: number; probability?: number }][] = [],
  count = COUNT,
  size = (i: number) => 60 + (i % 120),
  /** Send the records once the shard map is known (see producerWithShardMap). */
  mapFirst = false,
): Promise<Run> {
  fake = await FakeKinesis.start({ streams: { s: 4 }, ...fakeOptions });
  for (const [f, o] of faults) fake.injectFaults(f, o);
  const out: Run = { sent: [], ok: [], failed: [] };
  let producer: KinesisProducer;
  if (mapFirst) {
    const ready = await producerWithShardMap(fake.endpoint, 's', options);
    producer = ready.producer;
    out.sent.push(ready.first);
    out.ok.push(ready.first);
  } else {
    producer = producerFor(fake.endpoint, options);
  }
  const all: Promise<unknown>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const rec: SentRecord = {
        partitionKey: `key-${i % 997}-${i}`,
        data: payload(i, size(i)),
      };
      out.sent.push(rec);
      all.push(
        producer.addUserRecord('s', rec.partitionKey, rec.data).then(
          (r: UserRecordResult) => {
            rec.result = r;
            out.ok.push(rec);
          },
          (err) => {
            expect(err).toBeInstanceOf(UserRecordFailedError);
            out.failed.push({ rec, err });
          },
        ),
      );
    }
    await Promise.all(all);
  } finally {
    await producer.close();
  }
  return out;
}

function stored() {
  return deaggregateAll(fake!.records('s'));
}

interface Scenario {
  name: string;
  fake?: Partial<FakeKinesisOptions>;
  options?: KinesisProducerOptions;
  fault?: [Fault, { times?: number; probability?: number }];
  size?: (i: number) => number;
}

const clean: Scenario[] = [
  {
    // The first 300 Kinesis records sent are refused, retries included: most records are
    // throttled once or twice before they arrive.
    name: 'throttling',
    fake: { throttle: { firstEntries: 300 } },
    size: (i) => 500 + (i % 500),
  },
  { name: '500 responses', fault: [{ kind: 'status', status: 500 }, { times: 3 }] },
  {
    name: '503 responses',
    fault: [{ kind: 'status', status: 503, errorType: 'ServiceUnavailable' }, { times: 3 }],
  },
  { name: 'connection resets', fault: [{ kind: 'reset' }, { times: 3 }] },
  { name: 'partial failures', fault: [{ kind: 'partial', fraction: 0.3 }, { times: 3 }] },
  { name: 'malformed responses', fault: [{ kind: 'malformed' }, { times: 3 }] },
];

describe('faults that leave nothing stored are retried until every record arrives once', () => {
  test.each(clean.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await run(
      c.fake ?? {},
      { recordTtl: 120_000, ...c.options },
      c.fault ? [c.fault] : [],
      COUNT,
      c.size,
    );
    expect(r.failed.map((f) => f.err.message)).toEqual([]);
    expect(fake!.stats.faultsApplied + fake!.stats.throttledEntries).toBeGreaterThan(0);
    const check = verifyDelivery(r.sent, stored(), fake!.shards('s'));
    expect(check.duplicates).toBe(0);
    // Every failure left its attempt on the result.
    const retried = r.ok.filter((x) => (x.result as UserRecordResult).attempts.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const x of retried) {
      const a = (x.result as UserRecordResult).attempts;
      expect(a.at(-1)!.successful).toBe(true);
      expect(a.slice(0, -1).every((t) => !t.successful && t.errorCode)).toBe(true);
    }
  });
});

const ambiguous: Scenario[] = [
  {
    name: 'stalls longer than the request timeout',
    fault: [{ kind: 'stall', ms: 1500 }, { times: 3 }],
  },
  {
    name: 'responses whose record count does not match',
    fault: [{ kind: 'count-mismatch' }, { times: 3 }],
  },
];

describe('ambiguous failures: at least once, duplicates counted', () => {
  test.each(ambiguous.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const r = await run({}, { requestTimeout: 500, recordTtl: 120_000 }, [c.fault!]);
    expect(r.failed.map((f) => f.err.message)).toEqual([]);
    expect(fake!.stats.faultsApplied).toBe(3);
    const found = stored();
    const check = verifyDelivery(r.sent, found, fake!.shards('s'), { allowDuplicates: true });
    console.info(`${name}: ${check.duplicates} duplicates of ${r.sent.length} records`);
    // The requests that were answered ambiguously were stored and then sent again.
    expect(check.duplicates).toBeGreaterThan(0);
    expect(found.length).toBe(r.sent.length + check.duplicates);
  });
});

describe('expiry', () => {
  test('records fail with ExpiredAfterRetries and every attempt once the TTL passes', async () => {
    const r = await run(
      {},
      // Long enough for every record to be sent at least once, however busy the machine.
      { recordTtl: 3000 },
      [[{ kind: 'status', status: 500 }, { probability: 1 }]],
      COUNT,
    );
    expect(r.ok).toHaveLength(0);
    expect(r.failed).toHaveLength(COUNT);
    for (const { err, rec } of r.failed) {
      const attempts = err.result.attempts;
      expect(attempts.at(-1)!.errorCode).toBe('ExpiredAfterRetries');
      // Past six attempts, those between the first and last three are one AttemptsOmitted entry.
      expect(
        attempts
          .slice(0, -1)
          .every((a) => a.errorCode === 'InternalFailure' || a.errorCode === 'AttemptsOmitted'),
      ).toBe(true);
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(err.userRecord.partitionKey).toBe(rec.partitionKey);
    }
    expect(fake!.records('s')).toHaveLength(0);
  });

  test('failIfThrottled fails throttled records at once with the throttling code', async () => {
    const r = await run(
      { throttle: { firstEntries: 500 } },
      { failIfThrottled: true, aggregationEnabled: false },
      [],
      3000,
    );
    expect(r.failed).toHaveLength(500);
    for (const { err } of r.failed) {
      expect(err.result.attempts).toHaveLength(1);
      expect(err.result.attempts[0]!.errorCode).toBe('ProvisionedThroughputExceededException');
    }
    verifyDelivery(r.ok, stored(), fake!.shards('s'));
  });

  test('records held by the rate limiter past their TTL fail with their own code', async () => {
    // Records that arrive before the shard map is read go out unaggregated, past the limiter
    // (it limits shards, and they have none yet): so the map is read before they are sent.
    const r = await run(
      {},
      { rateLimit: 1, recordTtl: 1000, aggregationMaxCount: 1 },
      [],
      2000,
      undefined,
      true,
    );
    // 1 % of 4 shards: 40 records a second, and each lives one second.
    expect(r.failed.length).toBeGreaterThan(0);
    const codes = new Set(r.failed.map((f) => f.err.result.attempts.at(-1)!.errorCode));
    expect([...codes]).toEqual(['ExpiredWaitingForRateLimit']);
    verifyDelivery(r.ok, stored(), fake!.shards('s'));
  });
});

describe('a record the service refuses', () => {
  test("fails alone with the service's reason; the records that shared its request arrive", async () => {
    fake = await FakeKinesis.start({ streams: { s: 2 } });
    const producer = producerFor(fake.endpoint, { recordTtl: 60_000 });
    const sent: SentRecord[] = Array.from({ length: 2000 }, (_, i) => ({
      partitionKey: `k${i}`,
      data: payload(i, 80),
    }));
    // 1 MiB of data is allowed, but with its 100-character key the entry is over the service's
    // 1 MiB record limit: the fake refuses every request that carries it.
    const big = { partitionKey: 'p'.repeat(100), data: payload(9999, 1024 * 1024) };
    try {
      const small = sent.slice(0, 1000).map((r) =>
        producer.addUserRecord('s', r.partitionKey, r.data).then((res) => {
          r.result = res;
        }),
      );
      const refused = producer.addUserRecord('s', big.partitionKey, big.data).then(
        () => undefined,
        (e) => e,
      );
      const rest = sent.slice(1000).map((r) =>
        producer.addUserRecord('s', r.partitionKey, r.data).then((res) => {
          r.result = res;
        }),
      );
      await Promise.all([...small, ...rest]);
      const err = await refused;
      expect(err).toBeInstanceOf(UserRecordFailedError);
      const codes = (err as UserRecordFailedError).result.attempts.map((a) => a.errorCode);
      // Refused with the others, then refused alone: no retries until the TTL.
      expect(codes).toEqual(['ValidationException', 'ValidationException']);
    } finally {
      await producer.close();
    }
    verifyDelivery(sent, stored(), fake.shards('s'));
  });
});
