// An HTTPS server on 127.0.0.1 that passes every request on to a plain-HTTP server (the fake
// Kinesis), so TLS behaviour can be tested against the same fake: certificate checks, custom CAs.
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { listenLocally, stopServer } from './http-server.js';

export class HttpsFront {
  /** Requests that completed the TLS handshake and reached the front, by x-amz-target. */
  readonly requests = new Map<string, number>();
  /** TLS handshakes that failed (the client refused our certificate, for example). */
  tlsErrors = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(opts: { target: string; key: string; cert: string }): Promise<HttpsFront> {
    const target = new URL(opts.target);
    let front: HttpsFront | undefined;
    const server = createServer({ key: opts.key, cert: opts.cert }, (req, res) => {
      const op =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      front!.requests.set(op, (front!.requests.get(op) ?? 0) + 1);
      const out = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    server.on('tlsClientError', () => {
      if (front) front.tlsErrors++;
    });
    await listenLocally(server);
    front = new HttpsFront(server, (server.address() as AddressInfo).port);
    return front;
  }

  count(op: string): number {
    return this.requests.get(op) ?? 0;
  }

  async stop(): Promise<void> {
    await stopServer(this.server);
  }
}
