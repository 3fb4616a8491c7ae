// The command line of the standalone daemon: --help, --version, --json, --properties <file>, and
// every option of the producer as a flag (--record-ttl 5000, --aggregation-enabled=false). The
// one option table (@kinesis-producer/options) is the source, so flags, the .properties loader and the
// producer's constructor accept exactly the same values.
import { readFileSync } from 'node:fs';
import {
  findOption,
  InvalidOptionError,
  type KinesisProducerOptions,
  OPTION_TABLE,
  type OptionRow,
  optionsFromProperties,
  suggestOption,
  validateOption,
} from '@kinesis-producer/options';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'json'; options: KinesisProducerOptions; warnings: string[] };

/** A command line that cannot be run; the message says what to change. */
export class UsageError extends Error {}

/**
 * A secret option that is a flag (the proxy password) is never taken from the command line, where
 * `ps` shows it to every user: it comes from this environment variable or from the file named by
 * `--<flag>-file`.
 */
export function secretEnvName(row: OptionRow): string {
  return `KINESIS_PRODUCER_${kebab(row.name).replace(/-/g, '_').toUpperCase()}`;
}

/** The secret flags: what a person reads from `--help` about where each one comes from. */
export function secretFlagRows(rows: readonly OptionRow[]): OptionRow[] {
  return rows.filter((r) => r.secret && isFlag(r));
}

/** The text of a secret file: one line; the final newline an editor adds is not part of it. */
function readSecretFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    // The message of a read error names the path and the reason, never the contents.
    throw new UsageError(`cannot read --${flag} ${path}: ${(err as Error).message}`);
  }
}

/** Options that hold code or secrets: never from a command line, where `ps` shows them. */
const CODE_ONLY = new Set(['credentials', 'metricsCredentials', 'logger', 'schemaRegistry']);

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Flags that can be given: the daemon's options that a string can express. */
export function flagRows(rows: readonly OptionRow[]): OptionRow[] {
  return rows.filter(isFlag);
}

function isFlag(r: OptionRow): boolean {
  const daemon = r.goesTo === 'daemon' || r.goesTo === 'both';
  return daemon && r.type !== 'object' && r.type !== 'list';
}

export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Command {
  const fromFlags: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const row of secretFlagRows(OPTION_TABLE)) {
    const value = env[secretEnvName(row)];
    if (value !== undefined && value !== '') secrets[row.name] = value;
  }
  const warnings: string[] = [];
  let properties: KinesisProducerOptions = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${arg}; see --help`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq > 0 ? eq : undefined);
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const next = () => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${flag} needs a value`);
      i++;
      return v;
    };
    if (flag === 'json') {
      json = true;
      continue;
    }
    if (flag === 'properties') {
      const path = next();
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read --properties ${path}: ${(err as Error).message}`);
      }
      properties = optionsFromProperties(text, { onWarning: (m) => warnings.push(m) });
      continue;
    }
    const secretFile = flag.endsWith('-file') ? findOption(camel(flag.slice(0, -5))) : undefined;
    if (secretFile?.secret && isFlag(secretFile)) {
      secrets[secretFile.name] = readSecretFile(flag, next());
      continue;
    }
    const name = camel(flag);
    const row = findOption(name);
    if (row?.secret && isFlag(row)) {
      throw new UsageError(
        `--${flag} is not taken on the command line, where ps shows it to every user of the machine; set ${secretEnvName(row)} in the environment or name a file holding it with --${flag}-file <path>`,
      );
    }
    if (!row || row.type === 'object' || row.type === 'list') {
      if (CODE_ONLY.has(name) || /credential|secret|access-key/i.test(flag)) {
        throw new UsageError(
          `--${flag}: credentials never come from the command line; the daemon uses the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, instance roles)`,
        );
      }
      if (row) throw new UsageError(`--${flag} can only be given in code`);
      const near = suggestOption(name);
      throw new UsageError(
        `unknown flag --${flag}${near ? `; did you mean --${kebab(near)}?` : ''} (see --help)`,
      );
    }
    if (!isFlag(row)) {
      throw new UsageError(
        `--${flag} is a setting of the KinesisProducer object, which a standalone daemon does not have`,
      );
    }
    const value =
      row.type === 'boolean' && inline === undefined && !isBooleanText(argv[i + 1])
        ? true
        : convert(row, flag, next());
    try {
      fromFlags[name] = validateOption(row, value);
    } catch (err) {
      if (err instanceof InvalidOptionError) {
        throw new UsageError(`--${flag} ${String(value)}: ${err.allowed}`);
      }
      throw err;
    }
  }
  if (!json) {
    throw new UsageError(
      'say --json to read JSON lines (put, flush, metrics) on stdin; see --help for the format',
    );
  }
  for (const [name, value] of Object.entries(secrets)) {
    try {
      fromFlags[name] = validateOption(findOption(name)!, value);
    } catch (err) {
      // A secret's error names where it came from, never the value (InvalidOptionError says so).
      if (err instanceof InvalidOptionError) throw new UsageError(err.message);
      throw err;
    }
  }
  return { kind: 'json', options: { ...properties, ...fromFlags }, warnings };
}

function isBooleanText(v: string | undefined): boolean {
  return v === 'true' || v === 'false';
}

function convert(row: OptionRow, flag: string, text: string): unknown {
  if (row.type === 'boolean') {
    if (!isBooleanText(text)) throw new UsageError(`--${flag} takes true or false, got ${text}`);
    return text === 'true';
  }
  if (row.type !== 'integer') return text;
  if (!/^[+-]?\d+$/.test(text)) throw new UsageError(`--${flag} takes an integer, got ${text}`);
  const n = BigInt(text);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}
