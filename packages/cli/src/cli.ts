// `kinesis-producer` run by a person: --help, --version, or a --json session on stdin/stdout.
// Exit codes: 0 done, 1 the daemon refused its configuration, 2 a command line it cannot use.
import { VERSION } from '@kinesis-producer/daemon/version';
import { InvalidOptionError } from '@kinesis-producer/options';
import { parseArgs, UsageError } from './args.js';
import { helpText } from './help.js';
import { runSession } from './session.js';

export async function runCli(argv: readonly string[]): Promise<number> {
  // As under the wrapper: the SDK's notice about future Node versions is not for this output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let command: ReturnType<typeof parseArgs>;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof InvalidOptionError)) throw err;
    process.stderr.write(`kinesis-producer: ${err.message}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`kinesis-producer ${VERSION}\n`);
    return 0;
  }
  for (const w of command.warnings) process.stderr.write(`warn ${w}\n`);
  try {
    return await runSession(command.options, {
      input: process.stdin,
      write: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (err) {
    if (!(err instanceof InvalidOptionError)) throw err;
    process.stderr.write(`kinesis-producer: ${err.message}\n`);
    return 2;
  }
}
