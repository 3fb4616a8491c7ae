// A stand-in daemon for tests: the real daemon, which crashes (exit 70, as on an internal
// error) a fixed time after it starts, every time. Each run stays up longer than a daemon
// that dies at start, so only a count of restarts over time can stop restarting it.
const path = require('node:path');

const UPTIME_MS = 6000;
setTimeout(() => {
  process.stderr.write(`fatal INTERNAL: crashing on purpose after ${UPTIME_MS} ms\n`);
  process.exit(70);
}, UPTIME_MS);
require(path.join(__dirname, '../../packages/kinesis-producer/dist/daemon.cjs'));
