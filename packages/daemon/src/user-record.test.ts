import { describe, expect, test } from '@jest/globals';
import { newPartitionKeyInfo } from './hex-hash-key.js';
import { KEEP_FIRST_ATTEMPTS, KEEP_LAST_ATTEMPTS, UserRecord } from './user-record.js';

function record(data: Uint8Array): UserRecord {
  return new UserRecord(1, 'k', undefined, data, '1'.padStart(32, '0'), 0, 100, 60_000);
}

describe('UserRecord', () => {
  test('keeps its data where it arrived until detached, then owns exactly its bytes', () => {
    const chunk = Buffer.alloc(64 * 1024, 9);
    chunk.write('hello', 1000);
    const ur = record(chunk.subarray(1000, 1005));
    expect(ur.detached).toBe(false);
    expect(ur.data.buffer).toBe(chunk.buffer);
    ur.detach();
    expect(ur.detached).toBe(true);
    expect(ur.data.buffer.byteLength).toBe(5);
    chunk.fill(0);
    expect(Buffer.from(ur.data).toString()).toBe('hello');
  });

  test('takes its data as where it lies in a decoded input, without a view of it', () => {
    const chunk = Buffer.alloc(1024, 9);
    chunk.write('hello', 100);
    const input = chunk.subarray(10);
    const ur = new UserRecord(
      1,
      'k',
      undefined,
      { dataBytes: input, dataStart: 90, dataLength: 5 },
      '0'.repeat(32),
      0,
      100,
      60_000,
    );
    expect(ur.dataLength).toBe(5);
    expect(ur.data.buffer).toBe(chunk.buffer);
    expect(Buffer.from(ur.data).toString()).toBe('hello');
    ur.detach();
    chunk.fill(0);
    expect(Buffer.from(ur.data).toString()).toBe('hello');
  });

  test("keeps its key's text correct once detached, its key's entry made from the input", () => {
    const chunk = Buffer.alloc(1024, 9);
    chunk.write('clé-0042', 30);
    chunk.write('hello', 200);
    // An entry made from the key's bytes where they lie in the input.
    const key = newPartitionKeyInfo(undefined, Buffer.byteLength('clé-0042'), chunk, 30);
    const ur = new UserRecord(
      1,
      key,
      undefined,
      { dataBytes: chunk, dataStart: 200, dataLength: 5, partitionKeyStart: 30 },
      key,
      0,
      100,
      60_000,
    );
    expect(ur.partitionKeySlot).toBe(key);
    expect(ur.hashKey).toBe(newPartitionKeyInfo('clé-0042', 9).hashKey);
    ur.detach();
    chunk.fill(0);
    expect([ur.partitionKey, ur.partitionKeyBytes]).toEqual(['clé-0042', 9]);
    expect(Buffer.from(ur.data).toString()).toBe('hello');
  });

  test("writes its partition key's bytes from where they lie in the input, until detached", () => {
    const decoded = (chunk: Buffer, key: string, at: number) => {
      const input = chunk.subarray(10);
      chunk.write(key, 10 + at);
      return new UserRecord(
        1,
        key,
        undefined,
        { dataBytes: input, dataStart: 200, dataLength: 5, partitionKeyStart: at },
        '0'.repeat(32),
        0,
        100,
        60_000,
      );
    };
    const long = `long-${'k'.repeat(80)}`;
    // Two inputs in turn (the writer keeps a view of the last one), short and long keys.
    const a = decoded(Buffer.alloc(1024, 9), 'device-0042', 30);
    const b = decoded(Buffer.alloc(1024, 7), long, 50);
    const out = Buffer.alloc(200, 0xee);
    for (const [ur, key] of [
      [a, 'device-0042'],
      [b, long],
      [a, 'device-0042'],
    ] as const) {
      out.fill(0xee);
      expect(ur.writePartitionKey(out, 3, key.length)).toBe(true);
      expect(out.subarray(3, 3 + key.length).toString()).toBe(key);
      expect(out[2]).toBe(0xee);
      expect(out[3 + key.length]).toBe(0xee);
    }
    // Detached, or not decoded from an input: the bytes are not known to be there.
    a.detach();
    expect(a.writePartitionKey(out, 0, 11)).toBe(false);
    expect(record(Buffer.from('hello')).writePartitionKey(out, 0, 1)).toBe(false);
  });

  test('keeps the first and last attempts, and counts every one', () => {
    const ur = record(new Uint8Array(1));
    const total = 50;
    for (let i = 0; i < total; i++) {
      ur.addAttempt({
        start: i * 10,
        end: i * 10 + 5,
        success: i === total - 1,
        errorCode: `e${i}`,
      });
    }
    expect(ur.attempts).toHaveLength(KEEP_FIRST_ATTEMPTS + KEEP_LAST_ATTEMPTS);
    expect(ur.attempts.map((a) => a.errorCode)).toEqual(['e0', 'e1', 'e2', 'e47', 'e48', 'e49']);
    expect(ur.attemptCount).toBe(total);
    expect(ur.failedAttempts).toBe(total - 1);
    expect(ur.trailingFailures).toBe(0);
    expect(ur.omitted).toMatchObject({ count: total - 6, start: 30, end: 465 });
  });

  test('counts failures since the last success past what it keeps', () => {
    const ur = record(new Uint8Array(1));
    ur.addAttempt({ start: 0, end: 1, success: true });
    for (let i = 0; i < 20; i++) ur.addAttempt({ start: i, end: i, success: false });
    expect(ur.trailingFailures).toBe(20);
    expect(ur.failedAttempts).toBe(20);
    expect(ur.attemptCount).toBe(21);
  });

  test('records of one entry share its one-attempt list until one of them gets another', () => {
    const a = record(new Uint8Array(1));
    const b = record(new Uint8Array(1));
    const ok = { start: 0, end: 1, success: true };
    const alone = Object.freeze([ok]);
    a.addAttempt(ok, alone);
    b.addAttempt(ok, alone);
    expect(a.attempts).toBe(alone);
    expect(b.attempts).toBe(alone);
    b.addAttempt({ start: 2, end: 3, success: false, errorCode: 'e' });
    expect(alone).toEqual([ok]);
    expect(a.attempts).toEqual([ok]);
    expect(b.attempts.map((x) => x.success)).toEqual([true, false]);
    expect(b.attemptCount).toBe(2);
  });
});
