// A stand-in daemon for tests: crashes (exit 70, as the real one on an internal error) as soon
// as the wrapper sends anything, every time it is started.
process.stdin.once('data', () => {
  process.stderr.write('fatal INTERNAL: crashing on purpose\n');
  process.exit(70);
});
