// Preloaded (node --require) into emulator children. The parent holds the write end of our stdin
// pipe; if it dies without stopping us (SIGKILL, a crashed jest worker), the pipe closes and we
// exit too, so no emulator outlives the tests.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
