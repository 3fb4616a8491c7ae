import { describe, expect, test } from '@jest/globals';
import { now } from './clock.js';
import { KinesisRecord } from './kinesis-record.js';
import { Limiter } from './limiter.js';
import { UserRecord } from './user-record.js';

function kr(shard: number, bytes: number, ttl = 60_000): KinesisRecord {
  const ur = new UserRecord(
    1,
    's',
    'k',
    undefined,
    Buffer.alloc(bytes),
    '1'.padStart(32, '0'),
    now(),
    100,
    ttl,
  );
  ur.predictedShard = shard;
  const k = new KinesisRecord();
  k.add(ur);
  return k;
}

function limiter(adaptive: boolean, rateLimit = 100) {
  const passed: KinesisRecord[] = [];
  const expired: [KinesisRecord, boolean][] = [];
  const l = new Limiter(
    { rateLimit, adaptive },
    (k) => passed.push(k),
    (k, held) => expired.push([k, held]),
  );
  return { l, passed, expired };
}

describe('Limiter', () => {
  test('records without a predicted shard pass straight through', () => {
    const { l, passed } = limiter(true);
    for (let i = 0; i < 5000; i++) l.put(kr(-1, 10));
    expect(passed).toHaveLength(5000);
    l.close();
  });

  test('adaptive buckets hold one second of the shard limit, the KPL bucket a 10 MiB burst', () => {
    const a = limiter(true);
    const k = limiter(false);
    for (let i = 0; i < 20; i++) {
      a.l.put(kr(0, 512 * 1024));
      k.l.put(kr(0, 512 * 1024));
    }
    expect(a.passed).toHaveLength(2); // 1 MiB
    expect(k.passed).toHaveLength(20); // 10 MiB
    a.l.close();
    k.l.close();
  });

  test('throttling slows a shard down; the KPL setting ignores it', async () => {
    // 10 % of a shard: 100 records/s, a bucket of 100.
    const measure = async (adaptive: boolean, throttle: boolean) => {
      const { l, passed } = limiter(adaptive, 10);
      l.put(kr(0, 1)); // creates the shard's bucket
      if (throttle) {
        for (let i = 0; i < 5; i++) {
          l.throttled(0);
          await new Promise((r) => setTimeout(r, 260)); // one cut per window
        }
      }
      for (let i = 0; i < 200; i++) l.put(kr(0, 1)); // empty the bucket
      const before = passed.length;
      const start = now();
      while (now() - start < 500) {
        for (let i = 0; i < 5; i++) l.put(kr(0, 1));
        await new Promise((r) => setTimeout(r, 2));
      }
      l.close();
      return passed.length - before;
    };
    const base = await measure(true, false);
    const slowed = await measure(true, true);
    const kpl = await measure(false, true);
    expect(slowed).toBeLessThan(base * 0.6);
    expect(kpl).toBeGreaterThan(base * 0.8);
  });

  test('a record that expires while held fails as held; one that arrives expired does not', async () => {
    const { l, passed, expired } = limiter(true, 1);
    for (let i = 0; i < 12; i++) l.put(kr(0, 1, 50)); // 10 records/s: 10 pass at once
    l.put(kr(1, 1, -1));
    const end = Date.now() + 3000;
    while (expired.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(passed.length).toBe(10);
    expect(expired.map(([, held]) => held).sort()).toEqual([false, true, true]);
    l.close();
  });

  test('a record held for the rate limit stops pinning its input chunk; one let through at once does not copy', () => {
    const { l, passed } = limiter(true, 1);
    const chunk = Buffer.alloc(64 * 1024);
    const viewed = (offset: number) => {
      const ur = new UserRecord(
        1,
        's',
        'k',
        undefined,
        chunk.subarray(offset, offset + 100),
        '1'.padStart(32, '0'),
        now(),
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
