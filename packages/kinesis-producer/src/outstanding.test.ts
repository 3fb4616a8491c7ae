import { describe, expect, test } from '@jest/globals';
import { type Entry, Outstanding } from './outstanding.js';

function entry(createdAt: number, bytes = 10, partitionKey = 'k'): Entry & { settled?: unknown } {
  const e: Entry & { settled?: unknown } = {
    resolve: (r) => {
      e.settled = r;
    },
    reject: (err) => {
      e.settled = err;
    },
    record: { streamName: 's', partitionKey, data: 'x' },
    fields: { streamName: 's', partitionKey, explicitHashKey: undefined, data: new Uint8Array(1) },
    bytes,
    createdAt,
  };
  return e;
}

const limits = { maxRecords: 3, maxBytes: 100, timeoutMs: 0 };

describe('Outstanding', () => {
  test('keeps entries in the order they were taken, whatever order they settle in', () => {
    const j = new Outstanding(limits, () => {});
    for (const id of [1, 2, 3]) j.add(id, entry(id, 10, `k${id}`));
    j.take(2);
    j.add(4, entry(4, 10, 'k4'));
    expect([...j].map(([id]) => id)).toEqual([1, 3, 4]);
    expect(j.oldest()?.record.partitionKey).toBe('k1');
    expect(j.take(2)).toBeUndefined();
    expect([j.size, j.bytes]).toEqual([3, 30]);
  });

  test('is full at maxRecords, or once the bytes reach maxBytes (one record may go past)', () => {
    const j = new Outstanding(limits, () => {});
    expect(j.full()).toBeUndefined();
    j.add(1, entry(0, 95));
    expect(j.full()).toBeUndefined();
    j.add(2, entry(0, 50)); // 145 bytes: taken, since the limit was not reached before it
    expect(j.full()).toBe('maxOutstandingBytes');
    j.take(1);
    j.take(2);
    for (const id of [3, 4, 5]) j.add(id, entry(0, 1));
    expect(j.full()).toBe('maxOutstandingRecords');
  });

  test('waitForCapacity resolves at the first settle that makes room, waitForIdle at the last', async () => {
    const j = new Outstanding(limits, () => {});
    await j.waitForCapacity(); // room now: resolves at once
    await j.waitForIdle();
    for (const id of [1, 2, 3]) j.add(id, entry(0));
    const events: string[] = [];
    const room = j.waitForCapacity().then(() => events.push('room'));
    const idle = j.waitForIdle().then(() => events.push('idle'));
    j.take(1);
    await room;
    expect(events).toEqual(['room']);
    j.take(2);
    j.take(3);
    await idle;
    expect(events).toEqual(['room', 'idle']);
  });

  test('takeAll empties it, oldest first, and wakes those waiting for the end', async () => {
    const j = new Outstanding(limits, () => {});
    for (const id of [7, 8]) j.add(id, entry(0));
    const idle = j.waitForIdle();
    expect(j.takeAll().map(([id]) => id)).toEqual([7, 8]);
    await idle;
    expect([j.size, j.bytes]).toEqual([0, 0]);
  });

  test('release wakes every waiter even though nothing changed', async () => {
    const j = new Outstanding({ ...limits, maxRecords: 1 }, () => {});
    j.add(1, entry(0));
    const both = Promise.all([j.waitForCapacity(), j.waitForIdle()]);
    j.release();
    await both;
    expect(j.size).toBe(1);
  });

  test('times out due records with one timer, oldest first, and leaves the others', async () => {
    let now = 1000;
    const timedOut: number[] = [];
    let wake: () => void = () => {};
    const j = new Outstanding(
      { ...limits, maxRecords: 10, timeoutMs: 20 },
      (id) => {
        timedOut.push(id);
        wake();
      },
      () => now,
    );
    j.add(1, entry(1000));
    j.add(2, entry(1005));
    j.add(3, entry(5000)); // far in the future of the fake clock
    now = 1030; // 1 and 2 are due when the timer fires
    await new Promise<void>((r) => {
      wake = () => timedOut.length === 2 && r();
    });
    expect(timedOut).toEqual([1, 2]);
    expect([...j].map(([id]) => id)).toEqual([3]);
    // A late result for a timed-out record finds nothing.
    expect(j.take(1)).toBeUndefined();
    j.take(3);
  });
});
