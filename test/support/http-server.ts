// Plumbing every local HTTP server of the tests shares: read a whole request body, and stop
// without waiting for keep-alive connections to time out.
import type { IncomingMessage, Server } from 'node:http';

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
