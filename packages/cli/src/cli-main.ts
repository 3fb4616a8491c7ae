// The standalone CLI's bundle (dist/cli.cjs). The daemon's bundle loads it only when started with
// arguments or from a terminal, so the daemon a producer runs never carries the CLI, the option
// table or the SDK's credential chain that the CLI needs to find credentials by itself.
import { ExitCode } from '@kinesis-producer/protocol';
import { runCli } from './cli.js';

const args = process.argv.slice(2);
runCli(args.length > 0 ? args : ['--help']).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`kinesis-producer: ${err.stack ?? err}\n`);
    process.exit(ExitCode.internal);
  },
);
