// What a row of the option table says of one option, and the checks rows share (endpoints,
// credentials, loggers, metric dimensions). The rows themselves are in options-*.ts.
import { type Configuration, STREAM_ARN_FORM, streamArnProblem } from '@kinesis-producer/protocol';
import { isCredentialsOption } from './credentials-option.js';
import { isHostName, urlOrigin } from './endpoint-option.js';
import { InvalidOptionError } from './option-errors.js';

export type OptionType = 'boolean' | 'integer' | 'string' | 'enum' | 'object' | 'list';
/** daemon: a Configuration field; wrapper: WrapperSettings; both; ignored: accepted and checked only. */
export type Destination = 'daemon' | 'wrapper' | 'both' | 'ignored';
type ConfigField = Exclude<keyof Configuration, '$typeName' | '$unknown'>;
export type ConfigInit = Partial<Record<ConfigField, unknown>>;

export interface OptionRow {
  /** camelCase name, the key in KinesisProducerOptions. */
  readonly name: string;
  /** Key in a .properties file (the KPL's setter suffix); absent for options only code can give. */
  readonly property?: string;
  /** A KPL option, whose default and range are the KPL's. */
  readonly kpl: boolean;
  readonly type: OptionType;
  readonly default: unknown;
  /** How docs/configuration.md shows the default when the value alone would not say it. */
  readonly defaultText?: string;
  readonly min?: bigint;
  readonly max?: bigint;
  readonly values?: readonly string[];
  /** Other spellings accepted for an enum value. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Full-string pattern for a string; shown as written in `patternText`. */
  readonly pattern?: RegExp;
  readonly patternText?: string;
  /** The phrase for what is allowed, when it cannot be derived from the fields above. */
  readonly allowed?: string;
  readonly description: string;
  readonly goesTo: Destination;
  /** The Configuration field (protobuf-es name) for 'daemon' and 'both'. */
  readonly field?: ConfigField;
  /** For an endpoint: the field that takes it when it is a URL rather than a host. */
  readonly urlField?: ConfigField;
  /** Its value is never repeated in an error or a log line (passwords, credentials). */
  readonly secret?: boolean;
  /** Why an 'ignored' option does nothing. */
  readonly ignoredBecause?: string;
  /** A check beyond the type's: the normalised value, or undefined when not allowed. */
  readonly accept?: (value: unknown) => unknown;
  /** Maps the validated value onto Configuration fields when that is not the plain `field`. */
  readonly toConfig?: (value: never) => ConfigInit;
}

export const I64_MAX = 9223372036854775807n;
export const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
// Node timers cannot wait longer than this; larger delays fire at once.
export const TIMER_MAX = 2147483647n;
export const HOST_PATTERN = /^([A-Za-z0-9.-]+)?$/;
export const HOST_PATTERN_TEXT = '^([A-Za-z0-9-\\.]+)?$';
export const ENDPOINT_ALLOWED = `a host name or IP address matching ${HOST_PATTERN_TEXT}, or an http:// or https:// URL with no path`;

export function endpoint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // A host is kept as given (empty: the default endpoint); a URL is reduced to its origin.
  return value === '' || isHostName(value) ? value : urlOrigin(value);
}

export function credentials(value: unknown): unknown {
  return isCredentialsOption(value) ? value : undefined;
}
export const CREDENTIALS_ALLOWED =
  'an object with string accessKeyId and secretAccessKey (an AWS SDK v3 identity), or a function returning a Promise of one';

export function logger(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const levels = ['trace', 'debug', 'info', 'warn', 'error'];
  return levels.every((l) => v[l] === undefined || typeof v[l] === 'function') ? value : undefined;
}

export const GRANULARITIES = ['global', 'stream', 'shard'];
export function dimensions(value: unknown): unknown {
  if (!Array.isArray(value)) return undefined;
  const text = (s: unknown) => typeof s === 'string' && s.length >= 1 && s.length <= 255;
  const ok = value.every(
    (d) =>
      typeof d === 'object' &&
      d !== null &&
      text(d.key) &&
      text(d.value) &&
      GRANULARITIES.includes(d.granularity),
  );
  return ok
    ? value.map((d) => ({ key: d.key, value: d.value, granularity: d.granularity }))
    : undefined;
}

/** Stream names mapped to the stream ARNs records naming them are sent as. */
export function streamArnMap(value: unknown): ReadonlyMap<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const map = new Map<string, string>();
  for (const [name, arn] of Object.entries(value)) {
    const key = name.trim();
    // The region is checked once the producer knows its own.
    if (key === '' || key.startsWith('arn:') || typeof arn !== 'string') return undefined;
    if (streamArnProblem(arn.trim(), '') !== undefined) return undefined;
    map.set(key, arn.trim());
  }
  return map;
}
export const STREAM_ARNS_ALLOWED = `an object mapping stream names to stream ARNs, each ${STREAM_ARN_FORM}`;

/** Once the producer's region is known: every ARN of streamArns must be in it. */
export function checkStreamArnRegions(map: ReadonlyMap<string, string>, region: string): void {
  for (const [name, arn] of map) {
    const problem = streamArnProblem(arn, region);
    if (problem !== undefined) throw new InvalidOptionError(`streamArns.${name}`, arn, problem);
  }
}
