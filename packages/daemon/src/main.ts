// The kinesis-producer daemon: frames in on stdin, results out on stdout, logs on stderr.
// The first frame is the Configuration; credentials follow as SetCredentials frames. Nothing
// secret ever comes through argv or the environment.
import { Socket } from 'node:net';
import { join } from 'node:path';
import { ExitCode, FatalCode, FrameWriter } from '@kinesis-producer/protocol';
import { FrameRouter } from './frame-router.js';
import { log } from './log.js';

function frameDaemon(): void {
  // process.stdout writes synchronously to pipes on Linux; a socket on fd 1 writes
  // asynchronously, so a slow reader cannot stall the pipeline's timers.
  const out = new Socket({ fd: 1, readable: false, writable: true });
  // The reader is gone (the application died): results have nowhere to go, but the records it
  // handed over still do, so the daemon carries on until its input ends and it has drained.
  // The writer drops frames once the socket has closed.
  out.on('error', () => {});
  process.stderr.on('error', () => {});

  function exit(code: number): void {
    process.stdin.pause();
    writer.flush();
    out.end(() => process.exit(code));
    // If the reader never drains, still leave.
    setTimeout(() => process.exit(code), 1000).unref();
  }

  const writer = new FrameWriter(out);
  const router = new FrameRouter(writer, exit);

  process.stdin.on('data', (chunk: Buffer) => router.data(chunk));
  // The wrapper closing stdin means it is gone or done: the daemon sends what it holds, for a
  // bounded time (FrameRouter.end), and exits.
  process.stdin.on('end', () => router.end());
  // Node prints a process warning (a deprecation, the AWS SDK's notice about Node versions) as
  // several raw lines, which the wrapper would read as that many errors: one warn line instead.
  process.removeAllListeners('warning');
  process.on('warning', (w) => log.warn(`${w.name}: ${w.message}`));
  process.on('uncaughtException', (err) => {
    log.error(`internal error: ${err.stack ?? err}`);
    router.fatal(FatalCode.internal, err.message, ExitCode.internal);
  });
}

// The wrapper starts the daemon without arguments and with pipes. Arguments, or a person at a
// terminal, mean the standalone front: --help, --json (docs/standalone.md). It is its own bundle
// next to this one, built from packages/cli, so the daemon carries neither the option table nor
// the SDK's credential chain; the path is computed so that esbuild leaves the require alone.
if (process.argv.length > 2 || process.stdin.isTTY) {
  require(join(__dirname, 'cli.cjs'));
} else {
  frameDaemon();
}
