// Runs the bundled daemon under extra Node flags on the stand-in's own stdio pipes, for the
// stand-in executables the profiling scenarios give as nativeExecutable. The producer gives its
// daemon a minimal environment, so the paths are fixed here.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

/** Starts the daemon with `flags` after those the producer gave the stand-in, and exits as it does. */
module.exports = function runDaemonWith(flags) {
  const child = spawn(
    process.execPath,
    [
      // The flags the producer gave this stand-in (a larger young generation) apply to the daemon.
      ...process.execArgv,
      ...flags,
      path.join(root, 'packages', 'kinesis-producer', 'dist', 'daemon.cjs'),
    ],
    { stdio: 'inherit' },
  );
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 0);
  });
};

module.exports.profilesDir = path.join(root, 'bench', 'tmp', 'profiles');
