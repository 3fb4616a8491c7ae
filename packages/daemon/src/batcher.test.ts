import { beforeEach, describe, expect, test } from '@jest/globals';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { type BatchContainer, earliest, type Timed } from './batch.js';
import { Batcher } from './batcher.js';

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

let clock = new FakeClock();
beforeEach(() => {
  clock = new FakeClock();
});

function item(id: number, size: number, inMs: number): Item {
  return { id, size, deadline: clock.now() + inMs, expiration: clock.now() + 60_000 };
}

function batcher(countLimit: number, sizeLimit: number, onTimer: (b: Bag) => void = () => {}) {
  return new Batcher<Item, Bag>({
    countLimit,
    sizeLimit,
    create: () => new Bag(),
    onTimer,
    clock,
  });
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

  test('the deadline timer releases everything that fits, not only what is due', () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 20));
    b.add(item(2, 1, 10_000));
    clock.advance(19);
    expect(got).toHaveLength(0);
    clock.advance(1);
    expect(got.map(ids)).toEqual([[1, 2]]);
    expect(clock.pending).toBe(0);
    b.close();
  });

  test('an earlier deadline re-arms the timer earlier', () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 60_000));
    b.add(item(2, 1, 10));
    expect(clock.pending).toBe(1);
    clock.advance(10);
    expect(got.map(ids)).toEqual([[2, 1]]);
    b.close();
  });

  test('what a limit leaves behind waits for its own deadline', () => {
    const got: Bag[] = [];
    const b = batcher(100, 10, (x) => got.push(x));
    b.add(item(1, 4, 10));
    b.add(item(3, 4, 500));
    expect(ids(b.add(item(2, 4, 20)))).toEqual([1, 2]);
    clock.advance(499);
    expect(got).toHaveLength(0);
    clock.advance(1);
    expect(got.map(ids)).toEqual([[3]]);
    b.close();
  });

  test('deadlines beyond what setTimeout can hold do not fire early', () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 2 ** 40));
    clock.advance(2 ** 31); // past one maximal timer
    clock.advance(2 ** 40 - 2 ** 31 - 1);
    expect(got).toHaveLength(0);
    clock.advance(1);
    expect(got.map(ids)).toEqual([[1]]);
    b.close();
  });

  test('close stops the timer and keeps what is buffered', () => {
    const got: Bag[] = [];
    const b = batcher(100, 1e9, (x) => got.push(x));
    b.add(item(1, 1, 10));
    b.close();
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(got).toHaveLength(0);
    expect(ids(b.flush())).toEqual([1]);
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
