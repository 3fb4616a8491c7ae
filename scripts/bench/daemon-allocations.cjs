// A stand-in daemon executable (nativeExecutable) for the allocations scenario: the bundled
// daemon with the heap sampler loaded, which writes its profile when the daemon exits normally.
const path = require('node:path');
const runDaemonWith = require('./daemon-standin.cjs');

runDaemonWith(['--require', path.join(__dirname, 'heap-sampler.cjs')]);
