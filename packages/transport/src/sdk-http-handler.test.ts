// The SDK clients' handler against a local HTTP server: a call goes out and its answer is parsed,
// and a server that never answers ends the call with the configured timeout.
import { createServer } from 'node:http';
import { KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterEach, expect, test } from '@jest/globals';
import { listenLocally, onBody, stopServer } from '../../../test/support/http-server.js';
import { createDispatcher } from './dispatcher.js';
import { createSdkHttpHandler } from './sdk-http-handler.js';

const SETTINGS = {
  verifyCertificate: true,
  proxyPort: 443,
  maxConnections: 2,
  connectTimeout: 5_000,
};
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(stopServer));
});

async function clientFor(
  handler: Parameters<typeof createServer>[1],
  requestTimeout: number,
): Promise<KinesisClient> {
  const server = createServer(handler);
  servers.push(server);
  const origin = new URL(`http://127.0.0.1:${await listenLocally(server)}`);
  return new KinesisClient({
    region: 'us-east-1',
    endpoint: origin.href,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: createSdkHttpHandler(createDispatcher(SETTINGS, origin), requestTimeout),
  });
}

test('a call goes out signed and its answer is parsed', async () => {
  const seen: { target?: string; auth?: string; body?: unknown } = {};
  const client = await clientFor((req, res) => {
    onBody(req, (body) => {
      seen.target = req.headers['x-amz-target'] as string;
      seen.auth = req.headers.authorization;
      seen.body = JSON.parse(body.toString());
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({
          Shards: [
            {
              ShardId: 'shardId-000000000000',
              HashKeyRange: { StartingHashKey: '0', EndingHashKey: '9' },
              SequenceNumberRange: { StartingSequenceNumber: '1' },
            },
          ],
        }),
      );
    });
  }, 5_000);
  try {
    const out = await client.send(new ListShardsCommand({ StreamName: 'orders' }));
    expect(out.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000']);
    expect(seen.target).toBe('Kinesis_20131202.ListShards');
    expect(seen.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\//);
    expect(seen.body).toEqual({ StreamName: 'orders' });
  } finally {
    client.destroy();
  }
});

test('a server that never answers ends the call with a TimeoutError', async () => {
  // The request is read and left unanswered: only the handler's timeout can end the call.
  const client = await clientFor((req) => req.resume(), 200);
  try {
    const err = await client.send(new ListShardsCommand({ StreamName: 'orders' })).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('TimeoutError');
    expect((err as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  } finally {
    client.destroy();
  }
});
