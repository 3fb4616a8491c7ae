// A stand-in daemon for tests: runs the real daemon and relays everything, except that it crashes
// (exit 70, as the real one on an internal error) as soon as the wrapper's input holds the marker
// below, before relaying the chunk that holds it. The real daemon is killed first, so it cannot
// send what it buffered (it would on a normal end of its input): a crash loses what it held.
const { spawn } = require('node:child_process');
const path = require('node:path');

const MARKER = Buffer.from('POISON-PILL-5b7e1c');
const daemon = path.join(__dirname, '../../packages/kinesis-producer/dist/daemon.cjs');
const child = spawn(process.execPath, [daemon], { stdio: ['pipe', 'inherit', 'inherit'] });
// The end of the previous chunk, for a marker split across two.
let tail = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  if (Buffer.concat([tail, chunk]).includes(MARKER)) {
    child.kill('SIGKILL');
    process.stderr.write('fatal INTERNAL: a record crashed the daemon on purpose\n');
    process.exit(70);
  }
  tail = chunk.subarray(Math.max(0, chunk.length - MARKER.length + 1));
  child.stdin.write(chunk);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
