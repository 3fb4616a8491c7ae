import { describe, expect, test } from '@jest/globals';
import type { Message } from '@kinesis-producer/protocol';
import type { CredentialIdentity, CredentialsOption } from './credentials-option.js';
import {
  CredentialsPusher,
  PROVIDER_TIMEOUT_MS,
  RETRY_MAX_MS,
  RETRY_MS,
} from './credentials-pusher.js';
import type { Clock } from './scheduler-clock.js';

/** Time that moves only when the test says, running the timers due and what they start. */
class ManualClock implements Clock {
  private t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private ids = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.ids, { at: this.t + ms, fn });
    return this.ids;
  };
  clearTimeout = (id: unknown) => {
    this.timers.delete(id as number);
  };
  /** Moves to now + ms, running each timer due in time order, and what its promises chain. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settled();
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (!first || entry[1].at < first[1].at) first = entry;
      if (!first || first[1].at > end) break;
      this.timers.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
      await settled();
    }
    this.t = end;
  }
}

/** A pusher on the manual clock, pushing to and logging into `c`. */
function clocked(
  clock: ManualClock,
  c: { send: (m: Message) => void; logger: { warn: (m: string) => void } },
  credentials: CredentialsOption,
  metricsCredentials: CredentialsOption | undefined,
  refreshMs: number,
): CredentialsPusher {
  return new CredentialsPusher(
    credentials,
    metricsCredentials,
    refreshMs,
    c.send,
    c.logger,
    undefined,
    clock,
  );
}

/** Lets every promise already resolved run its callbacks (the providers here answer at once). */
async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const MAIN = {
  accessKeyId: 'AKIDMAIN',
  secretAccessKey: 'main-secret',
  sessionToken: 'main-token',
};
const METRICS = { accessKeyId: 'AKIDMETRICS', secretAccessKey: 'metrics-secret' };

interface Pushed {
  akid: string;
  forMetrics: boolean;
  token?: string;
}

function collector() {
  const pushed: Pushed[] = [];
  const warnings: string[] = [];
  const send = (m: Message) => {
    if (m.actualMessage.case !== 'setCredentials') throw new Error('unexpected message');
    const v = m.actualMessage.value;
    pushed.push({
      akid: v.credentials!.akid,
      forMetrics: v.forMetrics,
      token: v.credentials!.token || undefined,
    });
  };
  return { pushed, warnings, send, logger: { warn: (m: string) => warnings.push(m) } };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CredentialsPusher', () => {
  test('a static identity goes out before start() returns, for Kinesis then CloudWatch', () => {
    const c = collector();
    const p = new CredentialsPusher(MAIN, undefined, 300_000, c.send, c.logger);
    p.start();
    p.stop();
    expect(c.pushed).toEqual([
      { akid: 'AKIDMAIN', forMetrics: false, token: 'main-token' },
      { akid: 'AKIDMAIN', forMetrics: true, token: 'main-token' },
    ]);
  });

  test('metricsCredentials are pushed with for_metrics, apart from the Kinesis ones', () => {
    const c = collector();
    const p = new CredentialsPusher(MAIN, METRICS, 300_000, c.send, c.logger);
    p.start();
    p.stop();
    expect(c.pushed).toEqual([
      { akid: 'AKIDMAIN', forMetrics: false, token: 'main-token' },
      { akid: 'AKIDMETRICS', forMetrics: true, token: undefined },
    ]);
  });

  test('a provider is asked again every credentialsRefreshDelay', async () => {
    const c = collector();
    let calls = 0;
    const provider = async () => ({ ...MAIN, accessKeyId: `AKID${++calls}` });
    const p = new CredentialsPusher(provider, METRICS, 20, c.send, c.logger);
    p.start();
    try {
      await until('three refreshes', () => calls >= 3);
    } finally {
      p.stop();
    }
    const kinesis = c.pushed.filter((x) => !x.forMetrics).map((x) => x.akid);
    expect(kinesis.slice(0, 3)).toEqual(['AKID1', 'AKID2', 'AKID3']);
  });

  test('an identity about to expire is refreshed ahead of the period', async () => {
    const c = collector();
    let calls = 0;
    // Expires in 61 s: a minute's margin leaves one second, far sooner than the 300 s period.
    const provider = async (): Promise<CredentialIdentity> => {
      calls++;
      return { ...MAIN, expiration: new Date(Date.now() + 61_000) };
    };
    const p = new CredentialsPusher(provider, undefined, 300_000, c.send, c.logger);
    p.start();
    try {
      await until('a refresh before expiry', () => calls >= 2);
    } finally {
      p.stop();
    }
    expect(c.pushed.length).toBeGreaterThanOrEqual(4);
  });

  test('a failing provider is logged and asked again, backing off, until it works', async () => {
    const c = collector();
    const clock = new ManualClock();
    const calledAt: number[] = [];
    const provider = async (): Promise<CredentialIdentity> => {
      calledAt.push(clock.now());
      if (calledAt.length <= 3)
        throw new Error(`metadata service unreachable (call ${calledAt.length})`);
      return MAIN;
    };
    const p = clocked(clock, c, provider, undefined, 300_000);
    p.start();
    await clock.advance(10 * RETRY_MS);
    p.stop();
    // Asked again after 1 s, then 2 s, then 4 s.
    expect(calledAt).toEqual([0, RETRY_MS, 3 * RETRY_MS, 7 * RETRY_MS]);
    // Logged once for the run of failures, not once per call.
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /could not resolve the credentials.*metadata service unreachable \(call 1\); asking again in 1000 ms/,
    );
    expect(c.pushed.map((x) => x.forMetrics)).toEqual([false, true]);
  });

  test('a provider that hangs is given up on after a timeout and asked again, backing off', async () => {
    const c = collector();
    const clock = new ManualClock();
    const calledAt: number[] = [];
    let hang = true;
    const provider = (): Promise<CredentialIdentity> => {
      calledAt.push(clock.now());
      // A metadata service that takes the connection and never answers.
      return hang ? new Promise(() => {}) : Promise.resolve(MAIN);
    };
    const p = clocked(clock, c, provider, undefined, 300_000);
    p.start();
    await clock.advance(PROVIDER_TIMEOUT_MS - 1);
    expect(calledAt).toEqual([0]);
    await clock.advance(1);
    expect(c.warnings).toEqual([
      expect.stringMatching(/could not resolve the credentials: .*did not answer within 10000 ms/),
    ]);
    // Each hung call times out, and the pause after it doubles, up to RETRY_MAX_MS.
    await clock.advance(10 * (PROVIDER_TIMEOUT_MS + RETRY_MAX_MS));
    const gaps = calledAt.slice(1).map((t, i) => t - calledAt[i]!);
    expect(gaps.slice(0, 6)).toEqual(
      [1, 2, 4, 8, 16, 30].map((s) => PROVIDER_TIMEOUT_MS + s * 1000),
    );
    expect(gaps.at(-1)).toBe(PROVIDER_TIMEOUT_MS + RETRY_MAX_MS);
    expect(c.pushed).toEqual([]);
    // Warned again while it keeps failing, but not for every call.
    expect(c.warnings.length).toBeGreaterThan(1);
    expect(c.warnings.length).toBeLessThan(calledAt.length);

    // It recovers: the next call's answer goes out, and refreshes go on at the period.
    hang = false;
    const before = calledAt.length;
    await clock.advance(PROVIDER_TIMEOUT_MS + RETRY_MAX_MS);
    expect(calledAt.length).toBe(before + 1);
    expect(c.pushed.map((x) => x.akid)).toEqual(['AKIDMAIN', 'AKIDMAIN']);
    await clock.advance(300_000);
    expect(calledAt.length).toBe(before + 2);
    expect(c.pushed).toHaveLength(4);
    p.stop();
    const secrets = [MAIN.secretAccessKey, MAIN.sessionToken];
    for (const w of c.warnings) for (const x of secrets) expect(w).not.toContain(x);
  });

  test('a hung Kinesis provider does not hold up the metrics credentials', async () => {
    const c = collector();
    const clock = new ManualClock();
    const hung = () => new Promise<CredentialIdentity>(() => {});
    const p = clocked(clock, c, hung, async () => METRICS, 1000);
    p.start();
    await clock.advance(3000);
    p.stop();
    expect(c.pushed.map((x) => x.akid)).toEqual([
      'AKIDMETRICS',
      'AKIDMETRICS',
      'AKIDMETRICS',
      'AKIDMETRICS',
    ]);
  });

  test('an identity without a secret counts as a failure', async () => {
    const c = collector();
    const provider = async () => ({ accessKeyId: 'AKID' }) as CredentialIdentity;
    const p = new CredentialsPusher(provider, undefined, 300_000, c.send, c.logger);
    p.start();
    try {
      await until('the warning', () => c.warnings.length > 0);
    } finally {
      p.stop();
    }
    expect(c.pushed).toEqual([]);
    expect(c.warnings[0]).toMatch(/no accessKeyId or secretAccessKey/);
  });
});
