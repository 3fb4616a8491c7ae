import { getEventListeners } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { waitFor } from '../../../test/support/wait.js';
import { type Entry, Journal, UNSTAMPED } from './journal.js';

function entry(bytes = 10, partitionKey = 'k'): Entry & { settled?: unknown } {
  const e: Entry & { settled?: unknown } = {
    resolve: (r) => {
      e.settled = r;
    },
    reject: (err) => {
      e.settled = err;
    },
    record: { streamName: 's', partitionKey, data: 'x' },
    source: { streamName: 's', partitionKey, explicitHashKey: undefined, data: new Uint8Array(1) },
    bytes,
    frame: undefined,
    frameAt: 0,
    frameSize: 0,
    dropSource: () => {},
    succeedUnread: () => false,
  };
  return e;
}

/** Waits for the journal's own timer (real, though its clock is not) to do something. */
async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setImmediate(r));
  }
}

const limits = { maxRecords: 3, maxBytes: 100, timeoutMs: 0 };

describe('Journal', () => {
  test('keeps entries in the order they were taken, whatever order they settle in', () => {
    const j = new Journal(limits, () => {});
    for (const id of [1, 2, 3]) j.add(id, entry(10, `k${id}`), id);
    j.take(2);
    j.add(4, entry(10, 'k4'), 4);
    expect([...j].map(([id]) => id)).toEqual([1, 3, 4]);
    expect(j.oldest()?.record.partitionKey).toBe('k1');
    expect(j.take(2)).toBeUndefined();
    expect([j.size, j.bytes]).toEqual([3, 30]);
  });

  test('is full at maxRecords, or once the bytes reach maxBytes (one record may go past)', () => {
    const j = new Journal(limits, () => {});
    expect(j.full()).toBeUndefined();
    j.add(1, entry(95), 0);
    expect(j.full()).toBeUndefined();
    j.add(2, entry(50), 0); // 145 bytes: taken, since the limit was not reached before it
    expect(j.full()).toBe('maxOutstandingBytes');
    j.take(1);
    j.take(2);
    for (const id of [3, 4, 5]) j.add(id, entry(1), 0);
    expect(j.full()).toBe('maxOutstandingRecords');
  });

  test('waitForCapacity resolves at the first settle that makes room, waitForIdle at the last', async () => {
    const j = new Journal(limits, () => {});
    await j.waitForCapacity(); // room now: resolves at once
    await j.waitForIdle();
    for (const id of [1, 2, 3]) j.add(id, entry(), 0);
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
    const j = new Journal(limits, () => {});
    for (const id of [7, 8]) j.add(id, entry(), 0);
    const idle = j.waitForIdle();
    expect(j.takeAll().map(([id]) => id)).toEqual([7, 8]);
    await idle;
    expect([j.size, j.bytes]).toEqual([0, 0]);
  });

  test('release wakes every waiter even though nothing changed', async () => {
    const j = new Journal({ ...limits, maxRecords: 1 }, () => {});
    j.add(1, entry(), 0);
    const both = Promise.all([j.waitForCapacity(), j.waitForIdle()]);
    j.release();
    await both;
    expect(j.size).toBe(1);
  });

  test('times out due records with one timer, oldest first, and leaves the others', async () => {
    let now = 1000;
    const timedOut: number[] = [];
    let wake: () => void = () => {};
    const j = new Journal(
      { ...limits, maxRecords: 10, timeoutMs: 20 },
      (id) => {
        timedOut.push(id);
        wake();
      },
      () => now,
    );
    j.add(1, entry(), 1000);
    j.add(2, entry(), 1005);
    j.add(3, entry(), 5000); // far in the future of the fake clock
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

describe('Journal stamping the time records were taken', () => {
  test('records of one turn get the time when the turn ends, so a timeout never ends early', async () => {
    let now = 1000.2;
    const timedOut: number[] = [];
    const j = new Journal(
      { ...limits, maxRecords: 10, timeoutMs: 20 },
      (id) => timedOut.push(id),
      () => now,
    );
    j.add(1, entry(), UNSTAMPED);
    now = 1050.5; // a long synchronous loop: the second record is taken 50 ms after the first
    j.add(2, entry());
    await Promise.resolve(); // the turn ends
    now = 1060;
    expect([j.createdAt(1), j.createdAt(2)]).toEqual([1051, 1051]);
    now = 1070; // 19.5 ms after the second was taken: not due
    await new Promise((r) => setTimeout(r, 40));
    expect(timedOut).toEqual([]);
    now = 1071;
    await waitFor('both to time out', () => timedOut.length === 2);
    expect(timedOut).toEqual([1, 2]);
  });

  test('reading the journal within the turn stamps its records first', () => {
    let now = 7.5;
    const j = new Journal(
      { ...limits, maxRecords: 10, timeoutMs: 0 },
      () => {},
      () => now,
    );
    const a = entry();
    j.add(1, a);
    now = 9.1;
    expect(j.oldestCreatedAt()).toBe(10);
    const b = entry();
    j.add(2, b);
    now = 12;
    expect(j.take(2)).toBe(b);
    const c = entry();
    j.add(3, c);
    now = 14.5;
    expect([...j].map(([id]) => [id, j.createdAt(id)])).toEqual([
      [1, 10],
      [3, 15],
    ]);
    expect(j.take(1)).toBe(a);
    expect(j.oldestCreatedAt()).toBe(15);
  });
});

describe('Journal as an array journal', () => {
  test('many records settling in random order: counts, bytes and order stay right through compaction', () => {
    const j = new Journal({ maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 0 }, () => {});
    const live = new Set<number>();
    let next = 1;
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200; i++) {
        live.add(next);
        j.add(next, entry(3), next);
        next++;
      }
      for (const id of [...live]) {
        if (rand() < 0.6) {
          expect(j.take(id)).toBeDefined();
          live.delete(id);
        }
      }
      expect(j.size).toBe(live.size);
      expect(j.bytes).toBe(live.size * 3);
      expect([...j].map(([id]) => id)).toEqual([...live].sort((a, b) => a - b));
    }
    for (const id of [...live]) j.take(id);
    expect(j.size).toBe(0);
    expect(j.oldest()).toBeUndefined();
    // After it empties, ids carry on.
    j.add(next, entry(), next);
    expect([...j].map(([id]) => id)).toEqual([next]);
  });

  test('compaction leaves no settled entry behind the live ones, so ids added later find only theirs', () => {
    const j = new Journal({ maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 0 }, () => {});
    for (let id = 1; id <= 2000; id++) j.add(id, entry(), id);
    // The head passes most of the array: the 500 live entries move to its front.
    for (let id = 1; id <= 1500; id++) expect(j.take(id)).toBeDefined();
    // An id far ahead lands where the moved entries were before: nothing stale may be there.
    j.add(3100, entry(), 3100);
    const ids = [...j].map(([id]) => id);
    expect(ids).toEqual([...Array.from({ length: 500 }, (_, i) => 1501 + i), 3100]);
    expect(j.size).toBe(501);
  });

  test('bursts that empty it reuse its array: each finds its own entries, and a far larger array is let go', () => {
    const j = new Journal({ maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 0 }, () => {});
    let next = 1;
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Bursts of falling then rising sizes, settled in random order: the slots a burst leaves
    // behind must never answer for the next one's ids.
    for (const n of [50_000, 3000, 20, 3000, 9000]) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        j.add(next, entry(2, `k${next}`), next);
        ids.push(next++);
      }
      expect(j.get(next)).toBeUndefined();
      for (let i = ids.length - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        [ids[i], ids[k]] = [ids[k]!, ids[i]!];
      }
      for (const id of ids) {
        expect(j.get(id)?.record.partitionKey).toBe(`k${id}`);
        expect(j.take(id)?.record.partitionKey).toBe(`k${id}`);
        expect(j.take(id)).toBeUndefined();
      }
      expect([j.size, j.bytes, j.footprint]).toEqual([0, 0, 0]);
      // What it keeps for the next burst follows the burst just settled, not the largest one.
      expect(j.capacity).toBeLessThanOrEqual(2 * n + 4096);
    }
  });

  test('timeouts walk the head even when compaction moves it', async () => {
    const timedOut: number[] = [];
    let clock = 0;
    const j = new Journal(
      { maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 5 },
      (id) => timedOut.push(id),
      () => clock,
    );
    for (let id = 1; id <= 3000; id++) j.add(id, entry(), 0);
    clock = 10;
    // The timer is real (armed for 5 ms); the clock it reads says every entry is due.
    await waitFor('every entry to time out', () => timedOut.length === 3000);
    expect(timedOut[2999]).toBe(3000);
    expect(j.size).toBe(0);
  });

  test('one stuck record while a million after it settle: the footprint follows what is outstanding', () => {
    const j = new Journal({ maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 0 }, () => {});
    j.add(1, entry(5, 'stuck'), 1);
    let most = 0;
    let missing = 0;
    // A window of 100 records in flight behind the stuck one, settling as new ones come.
    for (let id = 2; id <= 1_000_001; id++) {
      j.add(id, entry(5), id);
      if (id > 101 && !j.take(id - 100)) missing++;
      most = Math.max(most, j.footprint);
    }
    expect(missing).toBe(0);
    expect(j.size).toBe(101);
    expect(most).toBeLessThan(5000);
    expect(j.oldest()?.record.partitionKey).toBe('stuck');
    const ids = [...j].map(([id]) => id);
    expect(ids[0]).toBe(1);
    expect(ids.slice(1)).toEqual(Array.from({ length: 100 }, (_, i) => 999_902 + i));
    expect(j.take(1)?.record.partitionKey).toBe('stuck');
    for (const id of ids.slice(1)) expect(j.take(id)).toBeDefined();
    expect([j.size, j.bytes, j.footprint]).toEqual([0, 0, 0]);
  });

  test('a stuck record keeps its time through compaction, and times out alone', async () => {
    let now = 0;
    const timedOut: number[] = [];
    const j = new Journal(
      { maxRecords: 1e9, maxBytes: 1e12, timeoutMs: 1000 },
      (id) => timedOut.push(id),
      () => now,
    );
    j.add(1, entry(5, 'stuck'), 0);
    // Records taken 10 ms apart per hundred, settling 100 behind: the stuck one moves to the
    // stragglers, and the times of the settled ones are let go.
    for (let id = 2; id <= 20_000; id++) {
      j.add(id, entry(5), Math.floor(id / 100) * 10);
      if (id > 101) expect(j.take(id - 100)).toBeDefined();
    }
    expect(j.footprint).toBeLessThan(5000);
    expect([j.createdAt(1), j.createdAt(19_900), j.createdAt(20_000)]).toEqual([0, 1990, 2000]);
    now = 1000.5;
    await waitFor('the stuck record to time out', () => timedOut.length === 1);
    expect(timedOut).toEqual([1]);
    expect(j.size).toBe(100);
    expect(j.oldestCreatedAt()).toBe(1990);
  });

  test('a timed-out record keeps counting against the limits until the daemon answers or ends', async () => {
    let now = 0;
    const timedOut: number[] = [];
    const clocked = new Journal(
      { maxRecords: 3, maxBytes: 1e6, timeoutMs: 10 },
      (id) => timedOut.push(id),
      () => now,
    );
    for (const id of [1, 2, 3]) clocked.add(id, entry(7), 0);
    now = 100;
    const room = clocked.waitForCapacity();
    let roomy = false;
    void room.then(() => {
      roomy = true;
    });
    await until(() => timedOut.length === 3);
    expect(timedOut).toEqual([1, 2, 3]);
    // Their promises are settled and they are not outstanding, but the daemon still holds them.
    expect([clocked.size, clocked.bytes]).toEqual([0, 0]);
    expect([clocked.countedRecords, clocked.countedBytes]).toEqual([3, 21]);
    expect(clocked.full()).toBe('maxOutstandingRecords');
    expect(roomy).toBe(false);
    // The daemon's late answer for one of them frees its room.
    expect(clocked.take(2)).toBeUndefined();
    await room;
    expect([clocked.countedRecords, clocked.countedBytes]).toEqual([2, 14]);
    expect(clocked.full()).toBeUndefined();
    // A second answer for the same record changes nothing.
    clocked.take(2);
    expect(clocked.countedRecords).toBe(2);
    // The daemon that held the others ended: they stop counting.
    clocked.forgetTimedOut();
    expect([clocked.countedRecords, clocked.countedBytes, clocked.footprint]).toEqual([0, 0, 0]);
  });

  test('a timed-out record no daemon holds (waiting for a restart) frees its room at once', async () => {
    let now = 0;
    const timedOut: number[] = [];
    const j = new Journal(
      { maxRecords: 2, maxBytes: 1e6, timeoutMs: 10 },
      (id) => timedOut.push(id),
      () => now,
      (id) => id === 1, // 1 went to the daemon; 2 waits for the next one
    );
    j.add(1, entry(7), 0);
    j.add(2, entry(7), 0);
    now = 100;
    await until(() => timedOut.length === 2);
    expect(timedOut).toEqual([1, 2]);
    expect([j.countedRecords, j.countedBytes]).toEqual([1, 7]);
    expect(j.full()).toBeUndefined();
  });

  test('an aborted wait for room rejects with the reason and leaves no waiter or listener', async () => {
    const j = new Journal(limits, () => {});
    for (const id of [1, 2, 3]) j.add(id, entry(), id);
    const controller = new AbortController();
    const reason = new Error('gave up');
    const aborted = j.waitForCapacity(controller.signal);
    const kept = j.waitForCapacity();
    expect(j.waitingForCapacity).toBe(2);
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(j.waitingForCapacity).toBe(1);
    j.take(1);
    await kept;
    // An already aborted signal rejects at once, room or not.
    await expect(j.waitForCapacity(AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(j.waitingForCapacity).toBe(0);
  });

  test('a wait that resolves removes its abort listener', async () => {
    const j = new Journal(limits, () => {});
    for (const id of [1, 2, 3]) j.add(id, entry(), id);
    const controller = new AbortController();
    const wait = j.waitForCapacity(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    j.take(2);
    await wait;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
