import { describe, expect, test } from '@jest/globals';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { DeadlineTimer } from './deadline-timer.js';

function timer() {
  const clock = new FakeClock();
  const fired: number[] = [];
  const t = new DeadlineTimer(() => fired.push(clock.now()), clock);
  return { clock, fired, t, start: clock.now() };
}

describe('DeadlineTimer', () => {
  test('fires once at the deadline, not before', () => {
    const { clock, fired, t, start } = timer();
    t.schedule(start + 50);
    clock.advance(49);
    expect(fired).toEqual([]);
    clock.advance(1000);
    expect(fired).toEqual([start + 50]);
    expect(t.armed).toBe(false);
  });

  test('re-arms only when the deadline moves in', () => {
    const { clock, fired, t, start } = timer();
    t.schedule(start + 100);
    t.schedule(start + 500); // later: the armed timer stays
    t.schedule(start + 30); // earlier: re-armed
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    expect(fired).toEqual([start + 30]);
  });

  test('a deadline already past fires at once', () => {
    const { clock, fired, t, start } = timer();
    t.schedule(start - 1000);
    clock.advance(1);
    expect(fired).toEqual([start + 1]);
  });

  test('a deadline beyond what setTimeout can hold is reached in steps, not early', () => {
    const { clock, fired, t, start } = timer();
    const far = start + 2 ** 33;
    t.schedule(far);
    clock.advance(2 ** 31); // one maximal timer ran out
    expect(fired).toEqual([]);
    expect(t.armed).toBe(true);
    clock.advance(far - clock.now());
    expect(fired).toEqual([far]);
  });

  test('cancel disarms; a later schedule arms again', () => {
    const { clock, fired, t, start } = timer();
    t.schedule(start + 10);
    t.cancel();
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
    t.schedule(start + 200);
    clock.advance(100);
    expect(fired).toEqual([start + 200]);
  });
});
