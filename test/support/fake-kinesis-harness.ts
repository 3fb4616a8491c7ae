// What the fake's own tests share: fakes and SDK clients stopped after each test, entries to
// send, and raw requests that show the wire format rather than what the SDK makes of it.
import { request } from 'node:http';
import type { KinesisClient, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { afterEach } from '@jest/globals';
import { FakeKinesis, type FakeKinesisOptions } from './fake-kinesis.js';
import { localKinesisClient } from './kinesis-client.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** Stops what tests started, after each one; call once at the top of a test file. */
export function tearDownAfterEach(): void {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
}

/** Something for the teardown after the current test. */
export function onTearDown(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export async function startFake(
  opts: FakeKinesisOptions,
): Promise<{ fake: FakeKinesis; client: KinesisClient }> {
  const fake = await FakeKinesis.start(opts);
  const client = localKinesisClient(fake.endpoint, { maxAttempts: 1 });
  onTearDown(() => fake.stop());
  onTearDown(() => client.destroy());
  return { fake, client };
}

export function entries(
  n: number,
  prefix = 'r',
  extra: Partial<PutRecordsRequestEntry> = {},
): PutRecordsRequestEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    PartitionKey: `${prefix}-pk-${i}`,
    Data: Buffer.from(`${prefix}-data-${i}`),
    ...extra,
  }));
}

export async function rejection(
  p: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** A raw request, to see the wire format rather than what the SDK makes of it. */
export function rawPost(
  endpoint: string,
  target: string,
  body: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
