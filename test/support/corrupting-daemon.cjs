// A stand-in daemon for tests: runs the real daemon, relays everything, and after the first
// chunk from the wrapper injects a frame header announcing 4 GiB - 1 bytes.
const { spawn } = require('node:child_process');
const path = require('node:path');

const daemon = path.join(__dirname, '../../packages/kinesis-producer/dist/daemon.cjs');
const child = spawn(process.execPath, [daemon], { stdio: ['pipe', 'inherit', 'inherit'] });
let injected = false;
process.stdin.on('data', (chunk) => {
  child.stdin.write(chunk);
  if (!injected) {
    injected = true;
    setTimeout(() => child.stdin.write(Buffer.from([0xff, 0xff, 0xff, 0xff])), 200);
  }
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
