// The text of --help: how to run the daemon by hand, the JSON lines it reads and writes, and
// every flag with its default, from the one option table.
import { describeAllowed, describeDefault, OPTION_TABLE } from '@kinesis-producer/options';
import { flagRows, kebab, secretEnvName, secretFlagRows } from './args.js';

export function helpText(): string {
  const flags = flagRows(OPTION_TABLE).map((r) => {
    if (r.secret) {
      return `  --${kebab(r.name)}-file <path>   (or ${secretEnvName(r)} in the environment)\n      ${r.description} Never a flag with the value itself, which ps would show; the file holds it on one line.`;
    }
    const value =
      r.type === 'boolean' ? '[true|false]' : `<${r.type === 'integer' ? 'n' : 'value'}>`;
    return `  --${kebab(r.name)} ${value}\n      ${r.description} Default: ${describeDefault(r)}; ${describeAllowed(r)}.`;
  });
  const secretSources = secretFlagRows(OPTION_TABLE)
    .map((r) => `--${kebab(r.name)}-file <path> or ${secretEnvName(r)}`)
    .join(', ');
  return `kinesis-producer: the daemon of the kinesis-producer package, run by hand for debugging.

Usage:
  kinesis-producer --json [--properties <file>] [--<option> <value> ...]
  kinesis-producer --help | --version
  (Without arguments and with stdin not a terminal it is the daemon a KinesisProducer starts,
  speaking length-prefixed protobuf frames; that is not meant for people.)

--json reads one JSON object per line on stdin and writes one per line on stdout:
  {"op":"put","stream":"s","partitionKey":"k","data":"text"}       data as UTF-8 text, or
  {"op":"put","stream":"s","partitionKey":"k","dataBase64":"AAEC","explicitHashKey":"123"}
      -> {"op":"put","id":1,"successful":true,"shardId":"shardId-000000000000",
          "sequenceNumber":"4963...","attempts":[{"delay":12,"duration":35,"successful":true}]}
  {"op":"flush"} or {"op":"flush","stream":"s"}
      -> {"op":"flush","id":2} once every record put before it has its result
  {"op":"metrics"} or {"op":"metrics","name":"UserRecordsPut","seconds":10}
      -> {"op":"metrics","id":3,"metrics":[{"name":"UserRecordsPut","dimensions":{},...}]}
  Any line may carry "id" (any JSON value): its answer carries the same; otherwise the id is
  the line's number. A line that cannot be used is answered with {"op":"error",...}. At the end
  of stdin it waits for every result, then exits 0. A configuration the daemon refuses ends it
  with {"op":"fatal","code":"CONFIG","message":...} and exit code 1.
  Logs go to stderr, one line each, at --log-level (default info).

Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, SSO, container and instance roles), never from flags. The region comes from
--region, AWS_REGION or the AWS config file. Other secrets come from a file or the environment
(${secretSources}); the file wins over the environment.

--properties <file> reads a KPL .properties file (RecordTtl = 30000, ...); flags override it.

Options (the producer's, in kebab-case):
${flags.join('\n')}
`;
}
