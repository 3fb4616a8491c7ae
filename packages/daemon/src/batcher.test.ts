import { describe, expect, test } from '@jest/globals';
import { type BatchContainer, earliest, type Timed } from './batch.js';
import { Batcher } from './batcher.js';
import { now } from './clock.js';

interface Item extends Timed {
  size: number;
  id: number;
}

class Bag implements BatchContainer<Item> {
  deadline = Number.POSITIVE_INFINITY;
  expiration = Number.POSITIVE_INFINITY;
  items: Item[] = [];
  get count() {
    return this.items.length;
  }
  add(i: Item) {
    this.items.push(i);
    this.deadline = Math.min(this.deadline, i.deadline);
    this.expiration = Math.min(this.expiration, i.expiration);
  }
  removeLast() {
    const i = this.items.pop()!;
    Object.assign(this, earliest(this.items));
    return i;
  }
  accurateSize() {
    return this.items.reduce((s, i) => s + i.size, 0);
  }
  estimatedSize() {
    return this.accurateSize();
  }
}

function item(id: number, size: number, inMs: number): Item {
  return { id, size, deadline: now() + inMs, expiration: now() + 60_000 };
}

function batcher(countLimit: number, sizeLimit: number, onTimer: (b: Bag) => void = () => {}) {
  return new Batcher<Item, Bag>({ countLimit, sizeLimit, create: () => new Bag(), onTimer });
}

const ids = (b: Bag | undefined) => b?.items.map((i) => i.id);

describe('Batcher', () => {
  test('returns the batch synchronously when the count limit is reached', () => {
    const b = batcher(3, 1e9);
    expect(b.add(item(1, 1, 1000))).toBeUndefined();
    expect(b.add(item(2, 1, 1000))).toBeUndefined();
    expect(ids(b.add(item(3, 1, 1000)))).toEqual([1, 2, 3]);
    expect(b.count).toBe(0);
    b.close();
  });

  test('a size flush keeps the latest deadlines for later, not the newest item', () => {
    const b = batcher(100, 10);
    b.add(item(1, 4, 50));
    b.add(item(2, 4, 500)); // latest deadline
    const out = b.add(item(3, 4, 100));
    expect(ids(out)).toEqual([1, 3]);
    expect(b.count).toBe(1);
    b.close();
  });

  test('an item over the size limit by itself goes out alone, never dropped', () => {
    const b = batcher(100, 10);
    b.add(item(1, 3, 50));
    const out = b.add(item(2, 50, 60));
    expect(ids(out)).toEqual([1]);
    expect(ids(b.flush())).toEqual([2]);
    b.close();
  });

  test('the deadline timer releases everything that fits, not only what is due', async () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 20));
    b.add(item(2, 1, 10_000));
    await waitUntil(() => got.length === 1);
    expect(ids(got[0])).toEqual([1, 2]);
    b.close();
  });

  test('an earlier deadline re-arms the timer earlier', async () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 60_000));
    b.add(item(2, 1, 10));
    await waitUntil(() => got.length === 1);
    expect(ids(got[0])).toEqual([2, 1]);
    b.close();
  });

  test('deadlines beyond what setTimeout can hold do not fire early', async () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 2 ** 40));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(0);
    expect(ids(b.flush())).toEqual([1]);
    b.close();
  });

  test('a manual flush of an empty batcher emits nothing', () => {
    expect(batcher(10, 10).flush()).toBeUndefined();
  });

  test('the trigger flushes at once', () => {
    const b = new Batcher<Item, Bag>({
      countLimit: 100,
      sizeLimit: 1e9,
      create: () => new Bag(),
      trigger: (i) => i.id === 99,
      onTimer: () => {},
    });
    b.add(item(1, 1, 1000));
    expect(ids(b.add(item(99, 1, 1000)))).toEqual([1, 99]);
    b.close();
  });
});

async function waitUntil(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
