// connectTimeout through the proxy: the tunnel opens, but the endpoint behind it never answers
// the TLS handshake. The request must end as a connect timeout, not wait for ever.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { TestProxy } from '../../../test/support/test-proxy.js';
import { createDispatcher } from './dispatcher.js';

let proxy: TestProxy;
const sockets = new Set<Socket>();
// Accepts connections and says nothing: a TLS handshake through it never completes.
const silent = createServer((s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
let silentPort = 0;

beforeAll(async () => {
  proxy = await TestProxy.start();
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await proxy.stop();
});

test('a TLS handshake through the proxy that never completes fails after connectTimeout', async () => {
  const dispatcher = createDispatcher({
    verifyCertificate: true,
    proxyHost: '127.0.0.1',
    proxyPort: proxy.port,
    maxConnections: 1,
    connectTimeout: 200,
  });
  try {
    const err = await dispatcher
      .request({ origin: `https://127.0.0.1:${silentPort}`, path: '/', method: 'GET' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The timeout it waited for is named in the error: ours, not undici's default of 10 s.
    expect(err).toMatchObject({ code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect((err as Error).message).toMatch(/timeout: 200 ?ms/);
    expect(proxy.tunnels).toEqual([`127.0.0.1:${silentPort}`]);
  } finally {
    await dispatcher.destroy();
  }
});
