import { describe, expect, test } from '@jest/globals';
import { CrashIsolation, SMALL_GROUP } from './crash-isolation.js';
import { DaemonExitedError } from './errors.js';
import { type Entry, Journal } from './journal.js';

const crash = new DaemonExitedError(70, null, '', 'crashed');

function entry(n: number): Entry {
  return {
    resolve: () => {},
    reject: () => {},
    record: { streamName: 's', partitionKey: `k${n}`, data: 'x' },
    source: {
      streamName: 's',
      partitionKey: `k${n}`,
      explicitHashKey: undefined,
      data: new Uint8Array(1),
    },
    bytes: 1,
    frame: undefined,
    frameAt: 0,
    frameSize: 0,
    dropSource: () => {},
    succeedUnread: () => false,
  };
}

/** An isolation over a real journal of `n` records, with what it sends recorded per daemon. */
function setup(n: number) {
  const journal = new Journal({ maxRecords: 1e6, maxBytes: 1e9, timeoutMs: 0 }, () => {});
  for (let id = 1; id <= n; id++) journal.add(id, entry(id));
  const sent: number[][] = [];
  const poisoned: [number, number][] = [];
  let answer: () => void = () => {};
  const iso = new CrashIsolation(journal, {
    send: (id) => sent.at(-1)!.push(id),
    flush: () => {},
    alive: () => new Promise<void>((r) => (answer = r)),
    poisoned: (id, _e, crashes) => poisoned.push([id, crashes]),
    log: () => {},
  });
  return {
    journal,
    iso,
    sent,
    poisoned,
    /** A new daemon starts; `answers` says whether it lives long enough to answer. */
    async start(answers = true) {
      sent.push([]);
      iso.restarted();
      if (answers) answer();
      await Promise.resolve();
      await Promise.resolve();
    },
    /** The current daemon delivers what it was sent. */
    deliver() {
      for (const id of sent.at(-1)!) journal.take(id);
      iso.settled();
    },
  };
}

describe('CrashIsolation', () => {
  test('one crash changes nothing: everything goes to the next daemon', async () => {
    const s = setup(20);
    s.iso.crashed(crash);
    expect(s.iso.isolating).toBe(false);
    await s.start();
    expect(s.sent[0]).toHaveLength(20);
  });

  test('a second crash with the same records isolates them: groups grow while they go through', async () => {
    const s = setup(100);
    s.iso.crashed(crash);
    s.iso.crashed(crash);
    expect(s.iso.isolating).toBe(true);
    await s.start();
    const sizes: number[] = [];
    for (let round = 0; round < 10 && s.iso.isolating; round++) {
      sizes.push(s.sent[0]!.length - sizes.reduce((a, b) => a + b, 0));
      s.deliver();
    }
    // 8, then twice as many after each group that went through, until the 100 are done.
    expect(sizes).toEqual([SMALL_GROUP, 16, 32, 44]);
    expect(s.sent[0]).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.journal.size).toBe(0);
    expect(s.iso.isolating).toBe(false);
  });

  test('a crashed group is split into small groups, then single records; one alone is poison', async () => {
    const s = setup(20);
    s.iso.crashed(crash);
    s.iso.crashed(crash);
    await s.start();
    s.deliver(); // 1..8 went through; the next group is 9..24 (16)
    expect(s.sent[0]!.slice(8)).toEqual(Array.from({ length: 12 }, (_, i) => 9 + i));
    s.iso.crashed(crash); // record 13 is poison: the group of 9..20 crashes
    await s.start();
    expect(s.sent[1]).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    s.iso.crashed(crash);
    await s.start();
    expect(s.sent[2]).toEqual([9]);
    for (const id of [9, 10, 11, 12]) {
      s.journal.take(id);
      s.iso.settled();
    }
    expect(s.sent[2]).toEqual([9, 10, 11, 12, 13]);
    s.iso.crashed(crash);
    expect(s.poisoned).toEqual([[13, 5]]);
    expect(s.journal.has(13)).toBe(false);
    await s.start();
    expect(s.sent[3]).toEqual([14]);
  });

  test('a daemon that dies before it answers is not blamed on the group it would have got', async () => {
    const s = setup(3);
    s.iso.crashed(crash);
    s.iso.crashed(crash);
    await s.start(false);
    expect(s.sent[0]).toEqual([]);
    s.iso.crashed(crash);
    s.iso.crashed(crash);
    expect(s.poisoned).toEqual([]);
    await s.start();
    expect(s.sent[1]).toEqual([1, 2, 3]);
  });
});
