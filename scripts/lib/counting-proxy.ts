// A pass-through HTTP proxy that counts requests by AWS operation. Emulators do not say how many
// PutRecords calls they served, so the demo puts this between the producer and kinesalite.
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  /** http://127.0.0.1:PORT: give this to the producer instead of the target. */
  readonly endpoint: string;
  /** Requests seen per operation (the part of x-amz-target after the dot), e.g. PutRecords. */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const calls = new Map<string, number>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['x-amz-target'];
    const op = (Array.isArray(header) ? header[0] : header)?.split('.').pop() ?? '(none)';
    calls.set(op, (calls.get(op) ?? 0) + 1);
    // Headers go through unchanged (Host included): kinesalite does not check signatures, and
    // the request stays byte-for-byte what the producer signed.
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (err) => {
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(err.message);
    });
    req.pipe(out);
  };

  const server = createServer({ keepAlive: true }, forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
