// Loaded with --require into a measured process: samples what it allocates, objects collected
// since included (V8 otherwise reports only what is still alive when sampling stops, which says
// nothing of the garbage that makes young-generation collections frequent), and writes the
// profile into bench/tmp/profiles/heap when the process exits.
const inspector = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

// One sample per 16 KiB allocated on average: enough samples for a per-record figure within a
// few percent over a run of millions of records, at a small cost to the run.
const INTERVAL = 16 * 1024;
const dir = path.join(__dirname, '..', '..', 'bench', 'tmp', 'profiles', 'heap');

const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.startSampling', {
  samplingInterval: INTERVAL,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.on('exit', () => {
  // The session's calls answer synchronously on the main thread, so this completes before exit.
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    const role = /daemon\.cjs$/.test(process.argv[1] ?? '') ? 'daemon' : 'user';
    writeFileSync(
      path.join(dir, `${role}-${process.pid}-${threadId}.heapprofile`),
      JSON.stringify(result.profile),
    );
  });
});
