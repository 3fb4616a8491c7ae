// A stand-in daemon executable for profiling (nativeExecutable): the bundled daemon under
// --cpu-prof, so the profile is written when the daemon exits normally.
const runDaemonWith = require('./daemon-standin.cjs');

runDaemonWith([
  '--cpu-prof',
  `--cpu-prof-dir=${runDaemonWith.profilesDir}`,
  '--cpu-prof-name=daemon.cpuprofile',
]);
