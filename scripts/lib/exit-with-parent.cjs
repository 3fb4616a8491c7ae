// Preloaded (node --require) into the emulator child. The demo holds the write end of its stdin;
// if the demo dies without stopping it (SIGKILL, a crash), the pipe closes and the child exits
// too, so no emulator is left behind holding a port.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
