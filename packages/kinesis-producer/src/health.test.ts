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
