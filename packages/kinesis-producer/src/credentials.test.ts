import { describe, expect, test } from '@jest/globals';
import type { Message } from '@kinesis-producer/protocol';
import { type CredentialIdentity, CredentialsPusher, RETRY_MS } from './credentials.js';

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

  test('a failing provider is logged and asked again until it works', async () => {
    const c = collector();
    let calls = 0;
    const provider = async (): Promise<CredentialIdentity> => {
      calls++;
      if (calls <= 2) throw new Error(`metadata service unreachable (call ${calls})`);
      return MAIN;
    };
    const p = new CredentialsPusher(provider, undefined, 300_000, c.send, c.logger);
    p.start();
    try {
      await until('the provider to recover', () => c.pushed.length >= 2, 3 * RETRY_MS + 2000);
    } finally {
      p.stop();
    }
    expect(calls).toBe(3);
    // Logged once for the run of failures, not once a second.
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /could not resolve the credentials.*metadata service unreachable/,
    );
    expect(c.pushed.map((x) => x.forMetrics)).toEqual([false, true]);
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
