import { expect, test } from '@jest/globals';
import { now } from './clock.js';
import { DelayQueue } from './delay-queue.js';

test('releases items in time order, each no earlier than its time', async () => {
  const out: { id: number; late: number }[] = [];
  const due = new Map<number, number>();
  const q = new DelayQueue<number>((id) => out.push({ id, late: now() - due.get(id)! }));
  const t = now();
  const offsets = [80, 10, 40, 15, 120, 0, 60];
  offsets.forEach((ms, id) => {
    due.set(id, t + ms);
    q.add(id, t + ms);
  });
  expect(q.size).toBe(offsets.length);
  const end = Date.now() + 5000;
  while (out.length < offsets.length && Date.now() < end)
    await new Promise((r) => setTimeout(r, 5));
  expect(out.map((o) => o.id)).toEqual([5, 1, 3, 2, 6, 0, 4]);
  for (const o of out) expect(o.late).toBeGreaterThanOrEqual(-1);
  q.close();
});
