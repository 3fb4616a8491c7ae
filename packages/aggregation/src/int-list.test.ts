// IntList: the per-record numbers of an aggregate under construction, kept off the JS heap.
import { describe, expect, test } from '@jest/globals';
import { IntList } from './int-list.js';

describe('IntList', () => {
  test('keeps every value through each growth, and pops them back in reverse', () => {
    const list = new IntList();
    const n = 5000; // past the first, second and a few doubling growths
    for (let i = 0; i < n; i++) list.push(i * 7 - 3);
    expect(list.length).toBe(n);
    for (let i = 0; i < n; i++) expect(list.at(i)).toBe(i * 7 - 3);
    for (let i = n - 1; i >= 0; i--) expect(list.pop()).toBe(i * 7 - 3);
    expect(list.length).toBe(0);
  });

  test('add changes one value in place and returns it', () => {
    const list = new IntList();
    list.push(1);
    list.push(-1);
    expect(list.add(0, 2)).toBe(3);
    expect(list.add(1, -1)).toBe(-2);
    expect([list.at(0), list.at(1)]).toEqual([3, -2]);
  });
});
