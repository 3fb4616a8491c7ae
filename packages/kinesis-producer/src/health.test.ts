import { describe, expect, test } from '@jest/globals';
import type { Message } from '@kinesis-producer/protocol';
import { HealthCheck, isPong, pingMessage } from './health.js';

function setup(timeoutMs = 1000) {
  let now = 0;
  let paused = false;
  const pings: Message[] = [];
  const hung: number[] = [];
  const h = new HealthCheck(
    timeoutMs,
    { ping: (m) => pings.push(m), hung: (s) => hung.push(s), paused: () => paused },
    () => now,
  );
  return {
    h,
    pings,
    hung,
    at: (t: number) => {
      now = t;
      h.tick();
    },
    pause: (p: boolean) => {
      paused = p;
    },
  };
}

describe('HealthCheck', () => {
  test('pings a daemon that has been quiet for a quarter of the timeout, not a talking one', () => {
    const s = setup();
    s.at(200);
    expect(s.pings).toHaveLength(0);
    s.at(250);
    expect(s.pings).toHaveLength(1);
    s.h.heard();
    s.at(400);
    expect(s.pings).toHaveLength(1);
    expect(s.hung).toEqual([]);
  });

  test('declares the daemon hung once the silence exceeds the timeout, once', () => {
    const s = setup();
    for (const t of [250, 500, 750, 1000]) s.at(t);
    expect(s.hung).toEqual([]);
    s.at(1001);
    expect(s.hung).toEqual([1001]);
    s.at(1100);
    expect(s.hung).toHaveLength(1);
  });

  test('a look that comes late (our own loop was stalled) judges nothing and pings instead', () => {
    const s = setup();
    s.at(250);
    // The application kept the thread busy for ten timeouts: the daemon's answers, if any,
    // are still unread in the pipe.
    s.at(10_250);
    expect(s.hung).toEqual([]);
    expect(s.pings).toHaveLength(2);
    // It answers the fresh ping as soon as the loop reads again, and each ping after.
    for (const t of [10_500, 10_750, 11_000, 11_250, 11_500]) {
      s.h.heard();
      s.at(t);
    }
    expect(s.hung).toEqual([]);
  });

  test('after a late look, a daemon that stays silent through a timeout of on-time looks is hung', () => {
    const s = setup();
    s.at(10_000);
    for (const t of [10_250, 10_500, 10_750, 11_000]) s.at(t);
    expect(s.hung).toEqual([]);
    s.at(11_250);
    expect(s.hung).toEqual([1250]);
  });

  test('looks delayed by less than two intervals still count the silence', () => {
    const s = setup();
    for (const t of [450, 900]) s.at(t);
    expect(s.hung).toEqual([]);
    s.at(1350);
    expect(s.hung).toEqual([1350]);
  });

  test('repeated stalls never add up to a hang of a daemon that answers between them', () => {
    const s = setup();
    let t = 0;
    for (let i = 0; i < 20; i++) {
      t += 2000; // a stall of two timeouts
      s.at(t);
      s.h.heard(); // the pong, read right after
      t += 250;
      s.at(t);
    }
    expect(s.hung).toEqual([]);
  });

  test('no judgement while paused (no daemon, or the region not known yet)', () => {
    const s = setup();
    s.pause(true);
    s.at(5000);
    expect([s.pings.length, s.hung.length]).toEqual([0, 0]);
    s.pause(false);
    s.at(5100);
    expect(s.hung).toEqual([]);
  });

  test("pings are the KPL's MetricsRequest, with ids no getMetrics request uses", () => {
    const s = setup();
    s.at(300);
    s.at(600);
    const [a, b] = s.pings;
    expect(a!.actualMessage).toMatchObject({
      case: 'metricsRequest',
      value: { name: 'UserRecordsPut', seconds: 1n },
    });
    expect(b!.id).toBe(a!.id + 1n);
    const response = (sourceId: bigint) =>
      ({ sourceId, actualMessage: { case: 'metricsResponse', value: {} } }) as unknown as Message;
    expect(isPong(response(a!.id))).toBe(true);
    expect(isPong(response(1n))).toBe(false);
    expect(isPong(pingMessage(a!.id))).toBe(false);
  });
});
