// Launches echo-daemon.ts through tsx on the same stdio pipes: the producer runs a
// nativeExecutable ending in .cjs on its own Node, and its minimal environment names no loader.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const root = path.join(__dirname, '..', '..');
const tsx = pathToFileURL(require.resolve('tsx/esm', { paths: [root] })).href;
const child = spawn(process.execPath, ['--import', tsx, path.join(__dirname, 'echo-daemon.ts')], {
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 0);
});
