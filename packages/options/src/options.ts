// Every option of the producer is one row of OPTION_TABLE. Validation, the Configuration message
// sent to the daemon, the wrapper's settings, the .properties loader and the table in docs/configuration.md are all
// derived from it, so they cannot drift apart. Defaults and ranges are the KPL's.
import { create, type MessageInitShape, ScalarType } from '@bufbuild/protobuf';
import { type Configuration, ConfigurationSchema } from '@kinesis-producer/protocol';
import type { TransportSettings } from '@kinesis-producer/transport';
import type { CredentialsOption } from './credentials-option.js';
import { InvalidOptionError } from './option-errors.js';
import {
  type ConfigInit,
  HOST_PATTERN,
  OPTION_TABLE,
  type OptionRow,
  SAFE_MAX,
} from './option-table.js';
import type { SchemaRegistryOptions, SchemaRegistrySettings } from './schema-registry-settings.js';

export {
  type Destination,
  OPTION_TABLE,
  type OptionName,
  type OptionRow,
  type OptionType,
  type WrapperOptionName,
} from './option-table.js';

/** Where the producer's own log lines go; any method left out drops that level. */
export interface Logger {
  trace?(msg: string, ...args: unknown[]): void;
  debug?(msg: string, ...args: unknown[]): void;
  info?(msg: string, ...args: unknown[]): void;
  warn?(msg: string, ...args: unknown[]): void;
  error?(msg: string, ...args: unknown[]): void;
}

/** A custom CloudWatch dimension inserted at one level of the metrics tree. */
export interface MetricsDimension {
  key: string;
  value: string;
  granularity: 'global' | 'stream' | 'shard';
}

export interface KinesisProducerOptions {
  /** Pack several user records bound for the same shard into one Kinesis record. */
  aggregationEnabled?: boolean;
  /** Maximum number of user records in one aggregated Kinesis record. */
  aggregationMaxCount?: number | bigint;
  /** Maximum bytes of one aggregated Kinesis record; a larger user record is sent on its own. */
  aggregationMaxSize?: number;
  /**
   * CloudWatch host (HTTPS on cloudwatchPort) or a full http(s) URL; empty means the regional
   * default.
   */
  cloudwatchEndpoint?: string;
  /** Port used with a host-only cloudwatchEndpoint (a URL carries its own port). */
  cloudwatchPort?: number;
  /** Maximum number of Kinesis records in one PutRecords call. */
  collectionMaxCount?: number;
  /** Maximum bytes of one PutRecords call; a larger Kinesis record is sent alone. */
  collectionMaxSize?: number | bigint;
  /** Timeout in ms for establishing a connection. */
  connectTimeout?: number;
  /**
   * Raise or clear the core-dump limit of the daemon. No effect here: the daemon is a Node.js
   * process; use ulimit or node --abort-on-uncaught-exception.
   */
  enableCoreDumps?: boolean;
  /** Fail a throttled record at once instead of retrying it. */
  failIfThrottled?: boolean;
  /**
   * Kinesis host (HTTPS on kinesisPort) or a full http(s) URL; empty means the regional default.
   */
  kinesisEndpoint?: string;
  /** Port used with a host-only kinesisEndpoint (a URL carries its own port). */
  kinesisPort?: number;
  /** Log threshold of the daemon and of the lines forwarded to the logger. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'warn' | 'error';
  /** Maximum concurrent HTTP connections per service client. */
  maxConnections?: number;
  /** Finest dimension level uploaded to CloudWatch. */
  metricsGranularity?: 'global' | 'stream' | 'shard';
  /** Which metrics are uploaded to CloudWatch. */
  metricsLevel?: 'none' | 'summary' | 'detailed';
  /** CloudWatch namespace of the uploaded metrics. */
  metricsNamespace?: string;
  /** Interval in ms between CloudWatch uploads (getMetrics windows do not use it). */
  metricsUploadDelay?: number;
  /** Minimum number of open connections. No effect here: the KPL validated it but never used it. */
  minConnections?: number;
  /** Per-shard send rate as a percentage of the shard's limits. */
  rateLimit?: number | bigint;
  /** How long in ms a user record may wait in the buffers before it is sent. */
  recordMaxBufferedTime?: number | bigint;
  /** Time in ms after which an unsent user record fails as expired. */
  recordTtl?: number | bigint;
  /** AWS region to send to and sign for. */
  region?: string;
  /** Timeout in ms of one HTTP request (a timed-out request may still have succeeded). */
  requestTimeout?: number;
  /** Verify the TLS certificates of the endpoints. */
  verifyCertificate?: boolean;
  /**
   * Proxy host for the producer's HTTP clients (the daemon's and the Glue calls); empty means no
   * proxy.
   */
  proxyHost?: string;
  /** Proxy port. */
  proxyPort?: number;
  /** Proxy user name. */
  proxyUserName?: string;
  /** Proxy password. */
  proxyPassword?: string;
  /**
   * How the native SDK ran HTTP calls: a thread per request or a pool. No effect here: Node.js runs
   * every request on one event loop; maxConnections bounds them.
   */
  threadingModel?: 'PER_REQUEST' | 'POOLED';
  /** Size of the native thread pool for POOLED. No effect here: Node.js has no HTTP thread pool. */
  threadPoolSize?: number;
  /**
   * Custom dimensions added to uploaded metrics, in order (the KPL's
   * addAdditionalMetricsDimension).
   */
  additionalMetricsDimensions?: readonly MetricsDimension[];
  /** Credentials for Kinesis, and for CloudWatch unless metricsCredentials is set. */
  credentials?: CredentialsOption;
  /** Credentials for the CloudWatch uploads. */
  metricsCredentials?: CredentialsOption;
  /** Period in ms of pushing fresh credentials to the daemon. */
  credentialsRefreshDelay?: number;
  /** Largest data of one user record in bytes (the partition key not counted). */
  maxUserRecordSize?: number;
  /** Path of a daemon executable to run instead of the bundled one. */
  nativeExecutable?: string;
  /**
   * Where the KPL extracted its binary and made its pipes. No effect here: nothing is extracted and
   * the daemon talks over stdio, not named pipes.
   */
  tempDirectory?: string;
  /** PEM certificates (a file or a directory) trusted in addition to the system's roots. */
  caCertPath?: string;
  /** A PEM bundle trusted in addition to the system's roots; the same as caCertPath. */
  caCertFile?: string;
  /** Fail a record in the wrapper if not completed after this many ms; 0 means never. */
  userRecordTimeoutInMillis?: number;
  /**
   * Track the oldest outstanding record for getOldestRecordTimeInMillis. No effect here: the oldest
   * outstanding record is always tracked; it costs nothing here.
   */
  enableOldestFutureTracker?: boolean;
  /**
   * In the KPL, attach the user record to the exception of a failed record; here it is always
   * attached, as .userRecord. No effect here: every error of a failed record carries it as
   * .userRecord, true or false.
   */
  returnUserRecordOnFailure?: boolean;
  /** Restart the daemon when it stops answering pings (on by default, unlike the KPL). */
  enableDaemonHealthCheck?: boolean;
  /** Silence in ms after which the health check restarts the daemon. */
  daemonHealthCheckTimeoutMs?: number;
  /**
   * STS host of old KPL versions. No effect here: the KPL stopped using STS in 1.0.5 and kept the
   * option for compatibility.
   */
  stsEndpoint?: string;
  /**
   * STS port of old KPL versions. No effect here: the KPL stopped using STS in 1.0.5 and kept the
   * option for compatibility.
   */
  stsPort?: number;
  /**
   * Group aggregated records by predicted shard (the KPL's way) or by partition key (one key per
   * Kinesis record).
   */
  aggregationMode?: 'shard' | 'partitionKey';
  /**
   * Back off exponentially before retrying throttled and failed records; false keeps the KPL's
   * timing.
   */
  retryBackoff?: boolean;
  /**
   * Lower a shard's rate limit when Kinesis throttles it and raise it back after; false keeps the
   * KPL's fixed RateLimit.
   */
  adaptiveRateLimit?: boolean;
  /** First retry backoff in ms. */
  retryBackoffBase?: number;
  /** Largest retry backoff in ms. */
  retryBackoffMax?: number;
  /** Most records outstanding at once; past it addUserRecord rejects with BufferFullError. */
  maxOutstandingRecords?: number;
  /** Most data bytes outstanding at once; past it addUserRecord rejects with BufferFullError. */
  maxOutstandingBytes?: number;
  /**
   * After a daemon crash, send the records it had not answered to the restarted daemon
   * (at-least-once); false fails them with DaemonExitedError, as the KPL does.
   */
  resubmitOnDaemonExit?: boolean;
  /**
   * Daemon restarts allowed within daemonRestartWindowMs; one more end within the window fails the
   * producer for good. 0 means never restart.
   */
  daemonMaxRestarts?: number;
  /**
   * The sliding window in ms over which daemon restarts are counted against daemonMaxRestarts
   * (default one hour, at most a week).
   */
  daemonRestartWindowMs?: number;
  /** First delay in ms before a dead daemon is restarted (doubling, with jitter). */
  daemonRestartBackoffBase?: number;
  /** Largest delay in ms before a dead daemon is restarted. */
  daemonRestartBackoffMax?: number;
  /** Receives the producer's and the daemon's log lines. */
  logger?: Logger;
  /**
   * Streams to address by ARN (another account's): records naming one of these streams are sent
   * with its ARN as StreamARN.
   */
  streamArns?: Record<string, string>;
  /**
   * The AWS Glue Schema Registry used for records with a schema: registry, auto-registration,
   * compression, endpoint, region, credentials.
   */
  schemaRegistry?: SchemaRegistryOptions;
}

/** What the wrapper itself acts on, defaults filled in. */
export interface WrapperSettings {
  nativeExecutable?: string;
  credentials?: CredentialsOption;
  metricsCredentials?: CredentialsOption;
  logger?: Logger;
  credentialsRefreshDelay: number;
  maxUserRecordSize: number;
  maxOutstandingRecords: number;
  maxOutstandingBytes: number;
  resubmitOnDaemonExit: boolean;
  daemonMaxRestarts: number;
  daemonRestartWindowMs: number;
  daemonRestartBackoffBase: number;
  daemonRestartBackoffMax: number;
  userRecordTimeoutInMillis: number;
  enableDaemonHealthCheck: boolean;
  daemonHealthCheckTimeoutMs: number;
  /** Normalised: 'warn' becomes 'warning'. */
  logLevel: 'trace' | 'debug' | 'info' | 'warning' | 'error';
  /** Undefined when not given: the wrapper asks the SDK's region chain. */
  region?: string;
  /** Stream names to send as these ARNs, names trimmed; undefined when none. */
  streamArns?: ReadonlyMap<string, string>;
  /** Undefined when not given: records with a schema use the defaults. */
  schemaRegistry?: SchemaRegistrySettings;
  /** How connections are made (TLS, proxy), as the daemon's: the wrapper's Glue calls use it. */
  transport: TransportSettings;
}

export interface ResolvedOptions {
  /** Only the fields the user gave are set; the daemon reads the proto defaults (the KPL's) for the rest. */
  configuration: Configuration;
  settings: WrapperSettings;
}

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
