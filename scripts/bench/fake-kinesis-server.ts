// The rate-limited fake Kinesis of the tests, run as its own process for the shard-utilisation
// scenario: 1000 records/s and 1 MiB/s per shard, nothing stored. Same line protocol as
// instant-kinesis.ts: "READY <port>", then a JSON line per "stats" line on stdin.
import { createInterface } from 'node:readline';
import { FakeKinesis } from '../../test/support/fake-kinesis.js';

const shards = Number(process.argv[2] ?? 4);
const fake = await FakeKinesis.start({
  streams: { s: shards },
  throttle: { recordsPerSecond: 1000, bytesPerSecond: 1048576 },
  store: false,
});
process.stdout.write(`READY ${new URL(fake.endpoint).port}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'stats') return;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ...fake.stats, cpuMicros: cpu.user + cpu.system })}\n`);
});
lines.on('close', () => process.exit(0));
