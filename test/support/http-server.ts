// Plumbing every local HTTP server of the tests shares: listen on a free port of 127.0.0.1, read
// a whole request body, and stop without waiting for keep-alive connections to time out.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

/** Starts `server` on a free port of 127.0.0.1 (never another interface); returns the port. */
export async function listenLocally(server: NetServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export function onBody(req: IncomingMessage, handle: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => handle(Buffer.concat(chunks)));
}

export async function stopServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
