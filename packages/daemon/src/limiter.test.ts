import { describe, expect, test } from '@jest/globals';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { KinesisRecord } from './kinesis-record.js';
import { Limiter } from './limiter.js';
import { UserRecord } from './user-record.js';

function limiter(adaptive: boolean, rateLimit = 100) {
  const clock = new FakeClock();
  const passed: KinesisRecord[] = [];
  const expired: [KinesisRecord, boolean][] = [];
  const l = new Limiter(
    { rateLimit, adaptive },
    (k) => passed.push(k),
    (k, held) => expired.push([k, held]),
    clock,
  );
  /** A Kinesis record of one user record, arrived now. */
  const kr = (shard: number, bytes: number, ttl = 60_000): KinesisRecord => {
    const ur = new UserRecord(
      1,
      'k',
      undefined,
      Buffer.alloc(bytes),
      '1'.padStart(32, '0'),
      clock.now(),
      100,
      ttl,
    );
    ur.predictedShard = shard;
    const k = new KinesisRecord();
    k.add(ur);
    return k;
  };
  return { l, passed, expired, clock, kr };
}

describe('Limiter', () => {
  test('records without a predicted shard pass straight through', () => {
    const { l, passed, kr } = limiter(true);
    for (let i = 0; i < 5000; i++) l.put(kr(-1, 10));
    expect(passed).toHaveLength(5000);
    l.close();
  });

  test('adaptive buckets hold one second of the shard limit, the KPL bucket a 10 MiB burst', () => {
    const a = limiter(true);
    const k = limiter(false);
    for (let i = 0; i < 20; i++) {
      a.l.put(a.kr(0, 512 * 1024));
      k.l.put(k.kr(0, 512 * 1024));
    }
    expect(a.passed).toHaveLength(2); // 1 MiB
    expect(k.passed).toHaveLength(20); // 10 MiB
    a.l.close();
    k.l.close();
  });

  test('waiting records leave at the shard rate, in order, as time passes', () => {
    // 10 % of a shard: 100 records/s from a bucket of 100.
    const { l, passed, clock, kr } = limiter(true, 10);
    const sent = Array.from({ length: 150 }, () => kr(0, 1));
    for (const k of sent) l.put(k);
    expect(passed).toHaveLength(100);
    clock.advance(250);
    expect(passed).toHaveLength(125);
    clock.advance(250);
    expect(passed).toEqual(sent);
    l.close();
    expect(clock.pending).toBe(0);
  });

  test('throttling slows a shard down; the KPL setting ignores it', () => {
    // Records offered at 2.5 per millisecond for half a second, after the bucket was emptied;
    // returns how many the limiter let through meanwhile.
    const measure = (adaptive: boolean, throttle: boolean) => {
      const { l, passed, clock, kr } = limiter(adaptive, 10);
      l.put(kr(0, 1)); // creates the shard's bucket
      if (throttle) {
        for (let i = 0; i < 5; i++) {
          l.throttled(0);
          clock.advance(260); // one cut per window
        }
      }
      for (let i = 0; i < 1000; i++) l.put(kr(0, 1)); // empty the bucket
      const before = passed.length;
      for (let ms = 0; ms < 500; ms += 2) {
        for (let i = 0; i < 5; i++) l.put(kr(0, 1));
        clock.advance(2);
      }
      l.close();
      return passed.length - before;
    };
    const base = measure(true, false);
    // 100 records/s for 0.5 s.
    expect(base).toBeGreaterThanOrEqual(49);
    expect(base).toBeLessThanOrEqual(51);
    // Five cuts of 15 %: 0.85^5 ≈ 44 % of the rate.
    const slowed = measure(true, true);
    expect(slowed).toBeGreaterThanOrEqual(Math.floor(base * 0.85 ** 5) - 1);
    expect(slowed).toBeLessThanOrEqual(Math.ceil(base * 0.85 ** 5) + 1);
    expect(measure(false, true)).toBe(measure(false, false));
  });

  test('throttles answering sends made before a cut do not cut again within its window', () => {
    const { l, passed, clock, kr } = limiter(true, 10);
    l.put(kr(0, 1));
    l.throttled(0);
    clock.advance(100);
    l.throttled(0); // inside the window: ignored
    for (let i = 0; i < 1000; i++) l.put(kr(0, 1));
    const before = passed.length;
    clock.advance(1000);
    // One cut: 85 records in the second, not 72.
    expect(passed.length - before).toBeGreaterThanOrEqual(84);
    expect(passed.length - before).toBeLessThanOrEqual(86);
    l.close();
  });

  test('after a cut the rate is held a second, then won back while sends are accepted', () => {
    const { l, passed, clock, kr } = limiter(true, 10);
    l.put(kr(0, 1));
    l.throttled(0);
    // Ten seconds of records wait from here on, so the bucket is always empty.
    for (let i = 0; i < 1000; i++) l.put(kr(0, 1));
    /** Records let through in `ms`, with every send accepted each 100 ms. */
    const passedIn = (ms: number) => {
      const before = passed.length;
      for (let t = 0; t < ms; t += 100) {
        clock.advance(100);
        l.accepted(0);
      }
      return passed.length - before;
    };
    // Held at 85 % for a second, whatever is accepted.
    const held = passedIn(1000);
    expect(held).toBeGreaterThanOrEqual(84);
    expect(held).toBeLessThanOrEqual(86);
    // Then half a percent more every 100 ms: 90 % after one more second, 95 % after two.
    passedIn(1000);
    const raised = passedIn(1000);
    expect(raised).toBeGreaterThanOrEqual(91);
    expect(raised).toBeLessThanOrEqual(95);
    l.close();
  });

  test('a record that expires while held fails as held; one that arrives expired does not', () => {
    const { l, passed, expired, clock, kr } = limiter(true, 1);
    for (let i = 0; i < 12; i++) l.put(kr(0, 1, 50)); // 10 records/s: 10 pass at once
    l.put(kr(1, 1, -1));
    expect(expired.map(([, held]) => held)).toEqual([false]);
    clock.advance(50);
    expect(expired).toHaveLength(1); // not yet past the TTL
    clock.advance(50);
    expect(passed.length).toBe(10);
    expect(expired.map(([, held]) => held)).toEqual([false, true, true]);
    l.close();
  });

  test('a record held for the rate limit stops pinning its input chunk; one let through at once does not copy', () => {
    const { l, passed, clock } = limiter(true, 1);
    const chunk = Buffer.alloc(64 * 1024);
    const viewed = (offset: number) => {
      const ur = new UserRecord(
        1,
        'k',
        undefined,
        chunk.subarray(offset, offset + 100),
        '1'.padStart(32, '0'),
        clock.now(),
        100,
        60_000,
      );
      ur.predictedShard = 0;
      const k = new KinesisRecord();
      k.add(ur);
      return k;
    };
    // 1 % of a shard's limits: the first few records pass at once, the others wait.
    const all = Array.from({ length: 50 }, (_, i) => viewed(i * 200));
    for (const k of all) l.put(k);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThan(all.length);
    for (const k of all) expect(k.items[0]!.detached).toBe(!passed.includes(k));
    l.close();
  });
});
