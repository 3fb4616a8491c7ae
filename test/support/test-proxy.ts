// A forward proxy on 127.0.0.1, as corporate networks put in front of AWS: CONNECT tunnels for
// https and absolute-URI forwarding for plain http, Basic Proxy-Authorization checked on both.
// It counts what went through, so a test can tell that traffic really used it.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { listenLocally } from './http-server.js';

export class TestProxy {
  /** CONNECT tunnels opened, by host:port. */
  readonly tunnels: string[] = [];
  /** Requests forwarded, as "x-amz-target host". */
  readonly forwarded: string[] = [];
  /** Requests refused for a missing or wrong Proxy-Authorization. */
  refused = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(auth?: { user: string; password: string }): Promise<TestProxy> {
    const expected = auth
      ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
      : undefined;
    let proxy: TestProxy | undefined;
    const allowed = (req: IncomingMessage) =>
      expected === undefined || req.headers['proxy-authorization'] === expected;
    const server = createServer((req, res) => {
      if (!allowed(req)) {
        proxy!.refused++;
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '');
      } catch {
        res.writeHead(400).end('absolute URI required');
        return;
      }
      proxy!.forwarded.push(`${req.headers['x-amz-target'] ?? ''} ${url.host}`);
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const out = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: url.pathname + url.search,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      proxy!.sockets.add(client);
      client.on('close', () => proxy!.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (!allowed(req)) {
        proxy!.refused++;
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      proxy!.tunnels.push(req.url ?? '');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      proxy!.sockets.add(upstream);
      upstream.on('close', () => proxy!.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    });
    await listenLocally(server);
    proxy = new TestProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
