// A stand-in daemon executable for profiling (nativeExecutable): runs the bundled daemon under
// --cpu-prof on the same stdio pipes, so the profile is written when the daemon exits normally.
// The producer gives its daemon a minimal environment, so the paths are fixed here.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const child = spawn(
  process.execPath,
  [
    // The flags the producer gave this stand-in (a larger young generation) apply to the daemon.
    ...process.execArgv,
    '--cpu-prof',
    `--cpu-prof-dir=${path.join(root, 'bench', 'tmp', 'profiles')}`,
    '--cpu-prof-name=daemon.cpuprofile',
    path.join(root, 'packages', 'kinesis-producer', 'dist', 'daemon.cjs'),
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 0);
});
