// An HTTP service that publishes each POST /events/<key> body to Kinesis and answers 202 once
// Kinesis has it. On SIGTERM (or Ctrl-C) it stops accepting, lets the requests under way finish,
// closes the producer within a deadline and exits 0: no answered record is lost.
//
//   pnpm -C examples http-service
//   curl -X POST --data 'hello' http://127.0.0.1:8080/events/user-1
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisProducer, ProducerClosedError } from 'kinesis-producer';
import { localKinesis } from '../lib/local-kinesis.js';

const STREAM = 'events';
// Less than the orchestrator's grace period (30 s on Kubernetes and ECS), so the process always
// exits on its own, with a line saying what was given up.
const SHUTDOWN_DEADLINE_MS = 20_000;

const kinesis = await localKinesis({ [STREAM]: 2 });
const producer = new KinesisProducer(kinesis.producerOptions);

const server = createServer(async (req, res) => {
  const key = req.url?.startsWith('/events/') ? decodeURIComponent(req.url.slice(8)) : '';
  if (req.method !== 'POST' || key === '') {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = Buffer.concat(await req.toArray());
    const result = await producer.addUserRecord(STREAM, key, body);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ shardId: result.shardId, sequenceNumber: result.sequenceNumber }));
  } catch (error) {
    // Only if a request slipped past server.close(): tell the client to try again elsewhere.
    res.writeHead(error instanceof ProducerClosedError ? 503 : 500).end(String(error));
  }
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});

async function shutDown(signal: string): Promise<void> {
  console.log(`${signal}: no new requests; draining`);
  const deadline = AbortSignal.timeout(SHUTDOWN_DEADLINE_MS);
  // Requests under way finish, and add their records, before the producer closes.
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeIdleConnections();
  });
  try {
    await producer.close({ signal: deadline });
    console.log('producer closed: every record accepted is in Kinesis');
  } catch (error) {
    console.error(`gave up on the records still outstanding: ${error}`);
    process.exitCode = 1;
  }
  if (kinesis.readRecords) {
    console.log(`${(await kinesis.readRecords(STREAM)).length} records in ${STREAM}`);
  }
  await kinesis.stop();
}

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => void shutDown(signal));
