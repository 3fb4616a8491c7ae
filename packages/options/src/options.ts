// Every option of the producer is one row of OPTION_TABLE. Validation, the Configuration message
// sent to the daemon, the wrapper's settings, the .properties loader and the table in
// docs/configuration.md are all derived from it, so they cannot drift apart. Defaults and ranges are the KPL's.
import { create, type MessageInitShape, ScalarType } from '@bufbuild/protobuf';
import { type Configuration, ConfigurationSchema } from '@kinesis-producer/protocol';
import type { TransportSettings } from '@kinesis-producer/transport';
import { InvalidOptionError } from './option-errors.js';
import {
  type ConfigInit,
  HOST_PATTERN,
  OPTION_TABLE,
  type OptionRow,
  SAFE_MAX,
} from './option-table.js';
import type {
  KinesisProducerOptions,
  ResolvedOptions,
  WrapperSettings,
} from './producer-options.js';

export {
  type Destination,
  OPTION_TABLE,
  type OptionName,
  type OptionRow,
  type OptionType,
  type WrapperOptionName,
} from './option-table.js';

export type {
  KinesisProducerOptions,
  Logger,
  MetricsDimension,
  ResolvedOptions,
  WrapperSettings,
} from './producer-options.js';

const BY_NAME = new Map<string, OptionRow>(OPTION_TABLE.map((r) => [r.name, r]));

export function findOption(name: string): OptionRow | undefined {
  return BY_NAME.get(name);
}

/** The phrase for what the option allows, as error messages and docs/configuration.md say it. */
export function describeAllowed(row: OptionRow): string {
  if (row.allowed) return row.allowed;
  switch (row.type) {
    case 'boolean':
      return 'true or false';
    case 'integer': {
      const big = row.max! > SAFE_MAX ? ' (a number or a bigint)' : '';
      return `an integer from ${row.min} to ${row.max}${big}`;
    }
    case 'enum': {
      const aliases = Object.entries(row.aliases ?? {}).map(([a, v]) => ` ('${a}' means ${v})`);
      return `one of ${row.values!.join(', ')}${aliases.join('')}`;
    }
    case 'string':
      return row.pattern ? `a string matching ${row.patternText}` : 'a string';
    default:
      return `an ${row.type}`;
  }
}

/** The default as docs/configuration.md shows it. */
export function describeDefault(row: OptionRow): string {
  if (row.defaultText) return row.defaultText;
  if (row.default === '') return '(empty)';
  return String(row.default);
}

/** Where the option goes, as docs/configuration.md shows it, with the proto name of its field. */
export function describeDestination(row: OptionRow): string {
  const proto = row.field ? `\`${ConfigurationSchema.field[row.field]!.name}\`` : '';
  switch (row.goesTo) {
    case 'daemon':
      return row.urlField
        ? `daemon (${proto}; a URL goes to \`${ConfigurationSchema.field[row.urlField]!.name}\`)`
        : `daemon (${proto})`;
    case 'both':
      return `wrapper + daemon (${proto})`;
    case 'wrapper':
      return 'wrapper';
    case 'ignored':
      return `ignored: ${row.ignoredBecause}`;
  }
}

/**
 * Checks one value of one option and returns it normalised (an alias replaced, a URL reduced to
 * its origin). Throws InvalidOptionError naming the option, the value and what is allowed.
 */
export function validateOption(row: OptionRow, value: unknown): unknown {
  const fail = () =>
    new InvalidOptionError(row.name, value, describeAllowed(row), { secret: row.secret });
  switch (row.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw fail();
      return value;
    case 'integer': {
      let n: bigint;
      if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
      else if (typeof value === 'bigint' && row.max! > SAFE_MAX) n = value;
      else throw fail();
      if (n < row.min! || n > row.max!) throw fail();
      return value;
    }
    case 'enum': {
      const v = typeof value === 'string' ? (row.aliases?.[value] ?? value) : undefined;
      if (v === undefined || !row.values!.includes(v)) throw fail();
      return v;
    }
    case 'string':
      if (typeof value !== 'string') throw fail();
      if (row.pattern && !row.pattern.test(value)) throw fail();
      break;
  }
  if (!row.accept) return value;
  const accepted = row.accept(value);
  if (accepted === undefined) throw fail();
  return accepted;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known option nearest to a misspelt name (its properties key counts too), if any is near. */
export function suggestOption(name: string): string | undefined {
  const wanted = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const row of OPTION_TABLE) {
    for (const spelling of [row.name, row.property]) {
      if (!spelling) continue;
      const distance = editDistance(wanted, spelling.toLowerCase());
      if (!best || distance < best.distance) best = { name: row.name, distance };
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}

function unknownOption(name: string, value: unknown): InvalidOptionError {
  const near = suggestOption(name);
  const allowed = near
    ? `not a known option; the nearest is ${near}`
    : 'not a known option (see the table of options in docs/configuration.md)';
  // A misplaced option is often a secret (secretAccessKey, a password): its value is not repeated.
  return new InvalidOptionError(name, value, allowed, { secret: true });
}

/**
 * Validates the options and splits them into the daemon's Configuration and the wrapper's
 * settings. An option given as undefined counts as not given.
 */
export function resolveOptions(options: KinesisProducerOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object of options');
  }
  const given = new Map<OptionRow, unknown>();
  for (const [name, value] of Object.entries(options)) {
    const row = BY_NAME.get(name);
    if (!row) throw unknownOption(name, value);
    if (value !== undefined) given.set(row, validateOption(row, value));
  }
  const caCertPath = given.get(BY_NAME.get('caCertPath')!);
  const caCertFile = given.get(BY_NAME.get('caCertFile')!);
  if (caCertPath && caCertFile) {
    throw new InvalidOptionError(
      'caCertFile',
      caCertFile,
      'not both caCertPath and caCertFile; they name the same thing, so set only one',
    );
  }

  const init: ConfigInit = {};
  const settings: Record<string, unknown> = {};
  for (const row of OPTION_TABLE) {
    const isGiven = given.has(row);
    const value = isGiven ? given.get(row) : row.default;
    if (row.goesTo === 'wrapper' || row.goesTo === 'both') settings[row.name] = value;
    if (isGiven && (row.goesTo === 'daemon' || row.goesTo === 'both')) {
      Object.assign(init, row.toConfig ? row.toConfig(value as never) : plainField(row, value));
    }
  }
  // Empty strings are the KPL's "not set"; the wrapper then picks its own default.
  if (settings.region === '') settings.region = undefined;
  if (settings.nativeExecutable === '') settings.nativeExecutable = undefined;
  const configuration = create(
    ConfigurationSchema,
    init as MessageInitShape<typeof ConfigurationSchema>,
  );
  settings.transport = transportSettingsOf(configuration);
  return { configuration, settings: settings as unknown as WrapperSettings };
}

/** The connection settings of a configuration; unset fields read as the KPL's defaults. */
function transportSettingsOf(c: Configuration): TransportSettings {
  return {
    verifyCertificate: c.verifyCertificate,
    caCertPath: c.caCertPath || undefined,
    proxyHost: c.proxyHost || undefined,
    proxyPort: Number(c.proxyPort),
    proxyUserName: c.proxyUserName || undefined,
    proxyPassword: c.proxyPassword || undefined,
    maxConnections: Number(c.maxConnections),
    connectTimeout: Number(c.connectTimeout),
  };
}

function plainField(row: OptionRow, value: unknown): ConfigInit {
  if (row.urlField && typeof value === 'string' && !HOST_PATTERN.test(value)) {
    return { [row.urlField]: value };
  }
  const field = row.field!;
  const desc = ConfigurationSchema.field[field]!;
  // uint64 fields are bigint in protobuf-es; the smaller integer fields stay numbers.
  const int64 = desc.fieldKind === 'scalar' && INT64_SCALARS.has(desc.scalar);
  return { [field]: int64 && typeof value === 'number' ? BigInt(value) : value };
}

const INT64_SCALARS = new Set<ScalarType>([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
  ScalarType.SINT64,
]);
