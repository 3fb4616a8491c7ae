// Every option of the producer is one row of OPTION_TABLE. Validation, the Configuration message
// sent to the daemon, the wrapper's settings, the .properties loader and the README table are all
// derived from it, so they cannot drift apart. Defaults and ranges are the KPL's (kpl-spec §4).
import { create, type MessageInitShape, ScalarType } from '@bufbuild/protobuf';
import { type Configuration, ConfigurationSchema } from '@kinesis-producer/protocol';
import type { CredentialsOption } from './credentials.js';
import { InvalidOptionError } from './errors.js';
import {
  acceptSchemaRegistry,
  SCHEMA_REGISTRY_ALLOWED,
  type SchemaRegistryOptions,
  type SchemaRegistrySettings,
} from './schema-registry/settings.js';

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
  /** CloudWatch host (HTTPS on cloudwatchPort) or a full http(s) URL; empty means the regional default. */
  cloudwatchEndpoint?: string;
  /** Port used with a host-only cloudwatchEndpoint. */
  cloudwatchPort?: number;
  /** Maximum number of Kinesis records in one PutRecords call. */
  collectionMaxCount?: number;
  /** Maximum bytes of one PutRecords call; a larger Kinesis record is sent alone. */
  collectionMaxSize?: number | bigint;
  /** Timeout in ms for establishing a connection. */
  connectTimeout?: number;
  /** Accepted for compatibility; no effect (the daemon is a Node.js process). */
  enableCoreDumps?: boolean;
  /** Fail a throttled record at once instead of retrying it. */
  failIfThrottled?: boolean;
  /** Kinesis host (HTTPS on kinesisPort) or a full http(s) URL; empty means the regional default. */
  kinesisEndpoint?: string;
  /** Port used with a host-only kinesisEndpoint. */
  kinesisPort?: number;
  /** Log threshold of the daemon and of the messages forwarded to the logger ('warn' = 'warning'). */
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
  /** Accepted for compatibility; no effect (the KPL never used it either). */
  minConnections?: number;
  /** Per-shard send rate as a percentage of the shard's limits. */
  rateLimit?: number | bigint;
  /** How long in ms a user record may wait in the buffers before it is sent. */
  recordMaxBufferedTime?: number | bigint;
  /** Time in ms after which an unsent user record fails as expired. */
  recordTtl?: number | bigint;
  /** AWS region; empty or unset means the SDK's region chain. */
  region?: string;
  /** Timeout in ms of one HTTP request (a timed-out request may still have succeeded). */
  requestTimeout?: number;
  /** Verify the TLS certificates of the endpoints. */
  verifyCertificate?: boolean;
  /** Proxy host for the daemon's HTTP clients. */
  proxyHost?: string;
  /** Proxy port. */
  proxyPort?: number;
  /** Proxy user name. */
  proxyUserName?: string;
  /** Proxy password. */
  proxyPassword?: string;
  /** Accepted for compatibility; no effect (Node.js has no thread-per-request model). */
  threadingModel?: 'PER_REQUEST' | 'POOLED';
  /** Accepted for compatibility; no effect (Node.js has no thread pool for HTTP). */
  threadPoolSize?: number;
  /** Custom dimensions added to every metric uploaded to CloudWatch, in order. */
  additionalMetricsDimensions?: readonly MetricsDimension[];
  /** Credentials for Kinesis (and CloudWatch unless metricsCredentials is set); default: the SDK's chain. */
  credentials?: CredentialsOption;
  /** Credentials for the CloudWatch uploads; default: credentials. */
  metricsCredentials?: CredentialsOption;
  /** Period in ms of pushing fresh credentials to the daemon. */
  credentialsRefreshDelay?: number;
  /** Largest data of one user record in bytes (the partition key not counted). */
  maxUserRecordSize?: number;
  /** Path of a daemon executable to run instead of the bundled one. */
  nativeExecutable?: string;
  /** Accepted for compatibility; no effect (nothing is extracted, no pipes are created). */
  tempDirectory?: string;
  /** PEM certificates (a file or a directory) trusted in addition to the system's roots. */
  caCertPath?: string;
  /** A PEM bundle trusted in addition to the system's roots (the same as caCertPath). */
  caCertFile?: string;
  /** Fail a record in the wrapper if not completed after this many ms; 0 means never. */
  userRecordTimeoutInMillis?: number;
  /** Accepted for compatibility; the oldest outstanding record is always tracked. */
  enableOldestFutureTracker?: boolean;
  /** Attach the user record to the error of a failed record. */
  returnUserRecordOnFailure?: boolean;
  /** Restart the daemon when it stops answering pings. */
  enableDaemonHealthCheck?: boolean;
  /** Silence in ms after which the health check restarts the daemon. */
  daemonHealthCheckTimeoutMs?: number;
  /** Accepted for compatibility; no effect (the KPL ignored it too). */
  stsEndpoint?: string;
  /** Accepted for compatibility; no effect (the KPL ignored it too). */
  stsPort?: number;
  /** How aggregation groups records: by predicted shard (the KPL's way) or by partition key. */
  aggregationMode?: 'shard' | 'partitionKey';
  /** Back off exponentially before retrying throttled and failed records (false = the KPL's timing). */
  retryBackoff?: boolean;
  /** Lower a shard's rate limit when Kinesis throttles it, raise it back after (false = the KPL's fixed RateLimit). */
  adaptiveRateLimit?: boolean;
  /** First retry backoff in ms. */
  retryBackoffBase?: number;
  /** Largest retry backoff in ms. */
  retryBackoffMax?: number;
  /** Most records outstanding at once; past it addUserRecord rejects with BufferFullError. */
  maxOutstandingRecords?: number;
  /** Most data bytes outstanding at once; past it addUserRecord rejects with BufferFullError. */
  maxOutstandingBytes?: number;
  /** After a daemon crash, send its unanswered records to the new daemon (false: fail them, as the KPL). */
  resubmitOnDaemonExit?: boolean;
  /** Restarts in a row, without a daemon that stayed up, before the producer gives up; 0 = never restart. */
  daemonMaxRestarts?: number;
  /** First delay in ms before restarting a daemon that died. */
  daemonRestartBackoffBase?: number;
  /** Largest delay in ms before restarting a daemon that died. */
  daemonRestartBackoffMax?: number;
  /** Receives the producer's and the daemon's log lines; default: none. */
  logger?: Logger;
  /** The AWS Glue Schema Registry for records with a `schema` (docs/schema-registry.md). */
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
  daemonRestartBackoffBase: number;
  daemonRestartBackoffMax: number;
  userRecordTimeoutInMillis: number;
  enableDaemonHealthCheck: boolean;
  daemonHealthCheckTimeoutMs: number;
  returnUserRecordOnFailure: boolean;
  /** Normalised: 'warn' becomes 'warning'. */
  logLevel: 'trace' | 'debug' | 'info' | 'warning' | 'error';
  /** Undefined when not given: the wrapper asks the SDK's region chain. */
  region?: string;
  /** Undefined when not given: records with a schema use the defaults. */
  schemaRegistry?: SchemaRegistrySettings;
}

export interface ResolvedOptions {
  /** Only the fields the user gave are set; the daemon reads the proto defaults (the KPL's) for the rest. */
  configuration: Configuration;
  settings: WrapperSettings;
}

export type OptionType = 'boolean' | 'integer' | 'string' | 'enum' | 'object' | 'list';
/** daemon: a Configuration field; wrapper: WrapperSettings; both; ignored: accepted and checked only. */
export type Destination = 'daemon' | 'wrapper' | 'both' | 'ignored';
type ConfigField = Exclude<keyof Configuration, '$typeName' | '$unknown'>;
type ConfigInit = Partial<Record<ConfigField, unknown>>;

export interface OptionRow {
  /** camelCase name, the key in KinesisProducerOptions. */
  readonly name: string;
  /** Key in a .properties file (the KPL's setter suffix); absent for options only code can give. */
  readonly property?: string;
  /** A KPL option, whose default and range are the KPL's. */
  readonly kpl: boolean;
  readonly type: OptionType;
  readonly default: unknown;
  /** How the README shows the default when the value alone would not say it. */
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
  /** Why an 'ignored' option does nothing. */
  readonly ignoredBecause?: string;
  /** A check beyond the type's: the normalised value, or undefined when not allowed. */
  readonly accept?: (value: unknown) => unknown;
  /** Maps the validated value onto Configuration fields when that is not the plain `field`. */
  readonly toConfig?: (value: never) => ConfigInit;
}

const I64_MAX = 9223372036854775807n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
// Node timers cannot wait longer than this; larger delays fire at once.
const TIMER_MAX = 2147483647n;
const HOST_PATTERN = /^([A-Za-z0-9.-]+)?$/;
const HOST_PATTERN_TEXT = '^([A-Za-z0-9-\\.]+)?$';
const ENDPOINT_ALLOWED = `a host name or IP address matching ${HOST_PATTERN_TEXT}, or an http:// or https:// URL with no path`;

function endpoint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (HOST_PATTERN.test(value)) return value;
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!url.hostname || url.username || url.password || url.pathname !== '/') return undefined;
  if (url.search || url.hash) return undefined;
  return url.origin;
}

function credentials(value: unknown): unknown {
  if (typeof value === 'function') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  return typeof v.accessKeyId === 'string' && typeof v.secretAccessKey === 'string'
    ? value
    : undefined;
}
const CREDENTIALS_ALLOWED =
  'an object with string accessKeyId and secretAccessKey (an AWS SDK v3 identity), or a function returning a Promise of one';

function logger(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const levels = ['trace', 'debug', 'info', 'warn', 'error'];
  return levels.every((l) => v[l] === undefined || typeof v[l] === 'function') ? value : undefined;
}

const GRANULARITIES = ['global', 'stream', 'shard'];
function dimensions(value: unknown): unknown {
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

const ROWS = [
  // kpl-spec §4.2: the options the KPL's daemon consumes.
  {
    name: 'aggregationEnabled',
    property: 'AggregationEnabled',
    kpl: true,
    type: 'boolean',
    default: true,
    description: 'Pack several user records bound for the same shard into one Kinesis record.',
    goesTo: 'daemon',
    field: 'aggregationEnabled',
  },
  {
    name: 'aggregationMaxCount',
    property: 'AggregationMaxCount',
    kpl: true,
    type: 'integer',
    default: 4294967295,
    min: 1n,
    max: I64_MAX,
    description: 'Maximum number of user records in one aggregated Kinesis record.',
    goesTo: 'daemon',
    field: 'aggregationMaxCount',
  },
  {
    name: 'aggregationMaxSize',
    property: 'AggregationMaxSize',
    kpl: true,
    type: 'integer',
    default: 51200,
    min: 64n,
    max: 10485760n,
    description:
      'Maximum bytes of one aggregated Kinesis record; a larger user record is sent on its own.',
    goesTo: 'daemon',
    field: 'aggregationMaxSize',
  },
  {
    name: 'cloudwatchEndpoint',
    property: 'CloudwatchEndpoint',
    kpl: true,
    type: 'string',
    default: '',
    allowed: ENDPOINT_ALLOWED,
    accept: endpoint,
    description:
      'CloudWatch host (HTTPS on cloudwatchPort) or a full http(s) URL; empty means the regional default.',
    goesTo: 'daemon',
    field: 'cloudwatchEndpoint',
    urlField: 'cloudwatchEndpointUrl',
  },
  {
    name: 'cloudwatchPort',
    property: 'CloudwatchPort',
    kpl: true,
    type: 'integer',
    default: 443,
    min: 1n,
    max: 65535n,
    description: 'Port used with a host-only cloudwatchEndpoint (a URL carries its own port).',
    goesTo: 'daemon',
    field: 'cloudwatchPort',
  },
  {
    name: 'collectionMaxCount',
    property: 'CollectionMaxCount',
    kpl: true,
    type: 'integer',
    default: 500,
    min: 1n,
    max: 500n,
    description: 'Maximum number of Kinesis records in one PutRecords call.',
    goesTo: 'daemon',
    field: 'collectionMaxCount',
  },
  {
    name: 'collectionMaxSize',
    property: 'CollectionMaxSize',
    kpl: true,
    type: 'integer',
    default: 5242880,
    min: 52224n,
    max: I64_MAX,
    description: 'Maximum bytes of one PutRecords call; a larger Kinesis record is sent alone.',
    goesTo: 'daemon',
    field: 'collectionMaxSize',
  },
  {
    name: 'connectTimeout',
    property: 'ConnectTimeout',
    kpl: true,
    type: 'integer',
    default: 6000,
    min: 100n,
    max: 300000n,
    description: 'Timeout in ms for establishing a connection.',
    goesTo: 'daemon',
    field: 'connectTimeout',
  },
  {
    name: 'enableCoreDumps',
    property: 'EnableCoreDumps',
    kpl: true,
    type: 'boolean',
    default: false,
    description: 'Raise or clear the core-dump limit of the daemon.',
    goesTo: 'ignored',
    ignoredBecause:
      'the daemon is a Node.js process; use ulimit or node --abort-on-uncaught-exception',
  },
  {
    name: 'failIfThrottled',
    property: 'FailIfThrottled',
    kpl: true,
    type: 'boolean',
    default: false,
    description: 'Fail a throttled record at once instead of retrying it.',
    goesTo: 'daemon',
    field: 'failIfThrottled',
  },
  {
    name: 'kinesisEndpoint',
    property: 'KinesisEndpoint',
    kpl: true,
    type: 'string',
    default: '',
    allowed: ENDPOINT_ALLOWED,
    accept: endpoint,
    description:
      'Kinesis host (HTTPS on kinesisPort) or a full http(s) URL; empty means the regional default.',
    goesTo: 'daemon',
    field: 'kinesisEndpoint',
    urlField: 'kinesisEndpointUrl',
  },
  {
    name: 'kinesisPort',
    property: 'KinesisPort',
    kpl: true,
    type: 'integer',
    default: 443,
    min: 1n,
    max: 65535n,
    description: 'Port used with a host-only kinesisEndpoint (a URL carries its own port).',
    goesTo: 'daemon',
    field: 'kinesisPort',
  },
  {
    name: 'logLevel',
    property: 'LogLevel',
    kpl: true,
    type: 'enum',
    default: 'info',
    values: ['trace', 'debug', 'info', 'warning', 'error'],
    aliases: { warn: 'warning' },
    description: 'Log threshold of the daemon and of the lines forwarded to the logger.',
    goesTo: 'both',
    field: 'logLevel',
  },
  {
    name: 'maxConnections',
    property: 'MaxConnections',
    kpl: true,
    type: 'integer',
    default: 24,
    min: 1n,
    max: 256n,
    description: 'Maximum concurrent HTTP connections per service client.',
    goesTo: 'daemon',
    field: 'maxConnections',
  },
  {
    name: 'metricsGranularity',
    property: 'MetricsGranularity',
    kpl: true,
    type: 'enum',
    default: 'shard',
    values: GRANULARITIES,
    description: 'Finest dimension level uploaded to CloudWatch.',
    goesTo: 'daemon',
    field: 'metricsGranularity',
  },
  {
    name: 'metricsLevel',
    property: 'MetricsLevel',
    kpl: true,
    type: 'enum',
    default: 'detailed',
    values: ['none', 'summary', 'detailed'],
    description: 'Which metrics are uploaded to CloudWatch.',
    goesTo: 'daemon',
    field: 'metricsLevel',
  },
  {
    name: 'metricsNamespace',
    property: 'MetricsNamespace',
    kpl: true,
    type: 'string',
    default: 'KinesisProducerLibrary',
    pattern: /^(?!AWS\/).{1,255}$/,
    patternText: '(?!AWS/).{1,255}',
    description: 'CloudWatch namespace of the uploaded metrics.',
    goesTo: 'daemon',
    field: 'metricsNamespace',
  },
  {
    name: 'metricsUploadDelay',
    property: 'MetricsUploadDelay',
    kpl: true,
    type: 'integer',
    default: 60000,
    min: 1n,
    max: 60000n,
    description: 'Interval in ms between CloudWatch uploads (getMetrics windows do not use it).',
    goesTo: 'daemon',
    field: 'metricsUploadDelay',
  },
  {
    name: 'minConnections',
    property: 'MinConnections',
    kpl: true,
    type: 'integer',
    default: 1,
    min: 1n,
    max: 16n,
    description: 'Minimum number of open connections.',
    goesTo: 'ignored',
    ignoredBecause: 'the KPL validated it but never used it',
  },
  {
    name: 'rateLimit',
    property: 'RateLimit',
    kpl: true,
    type: 'integer',
    default: 150,
    min: 1n,
    max: I64_MAX,
    description: "Per-shard send rate as a percentage of the shard's limits.",
    goesTo: 'daemon',
    field: 'rateLimit',
  },
  {
    name: 'recordMaxBufferedTime',
    property: 'RecordMaxBufferedTime',
    kpl: true,
    type: 'integer',
    default: 100,
    min: 0n,
    max: I64_MAX,
    description: 'How long in ms a user record may wait in the buffers before it is sent.',
    goesTo: 'daemon',
    field: 'recordMaxBufferedTime',
  },
  {
    name: 'recordTtl',
    property: 'RecordTtl',
    kpl: true,
    type: 'integer',
    default: 30000,
    min: 100n,
    max: I64_MAX,
    description: 'Time in ms after which an unsent user record fails as expired.',
    goesTo: 'daemon',
    field: 'recordTtl',
  },
  {
    name: 'region',
    property: 'Region',
    kpl: true,
    type: 'string',
    default: '',
    defaultText: "the SDK's region chain",
    pattern: /^([a-z]+-([a-z]+-)?[a-z]+-[0-9])?$/,
    patternText: '^([a-z]+-([a-z]+-)?[a-z]+-[0-9])?$',
    description: 'AWS region to send to and sign for.',
    goesTo: 'both',
    field: 'region',
  },
  {
    name: 'requestTimeout',
    property: 'RequestTimeout',
    kpl: true,
    type: 'integer',
    default: 6000,
    min: 100n,
    max: 600000n,
    description:
      'Timeout in ms of one HTTP request (a timed-out request may still have succeeded).',
    goesTo: 'daemon',
    field: 'requestTimeout',
  },
  {
    name: 'verifyCertificate',
    property: 'VerifyCertificate',
    kpl: true,
    type: 'boolean',
    default: true,
    description: 'Verify the TLS certificates of the endpoints.',
    goesTo: 'daemon',
    field: 'verifyCertificate',
  },
  {
    name: 'proxyHost',
    property: 'ProxyHost',
    kpl: true,
    type: 'string',
    default: '',
    description: "Proxy host for the daemon's HTTP clients; empty means no proxy.",
    goesTo: 'daemon',
    field: 'proxyHost',
  },
  {
    name: 'proxyPort',
    property: 'ProxyPort',
    kpl: true,
    type: 'integer',
    default: 443,
    min: 1n,
    max: 65535n,
    description: 'Proxy port.',
    goesTo: 'daemon',
    field: 'proxyPort',
  },
  {
    name: 'proxyUserName',
    property: 'ProxyUserName',
    kpl: true,
    type: 'string',
    default: '',
    description: 'Proxy user name.',
    goesTo: 'daemon',
    field: 'proxyUserName',
  },
  {
    name: 'proxyPassword',
    property: 'ProxyPassword',
    kpl: true,
    type: 'string',
    default: '',
    description: 'Proxy password.',
    goesTo: 'daemon',
    field: 'proxyPassword',
  },
  {
    name: 'threadingModel',
    property: 'ThreadingModel',
    kpl: true,
    type: 'enum',
    default: 'PER_REQUEST',
    values: ['PER_REQUEST', 'POOLED'],
    description: 'How the native SDK ran HTTP calls: a thread per request or a pool.',
    goesTo: 'ignored',
    ignoredBecause: 'Node.js runs every request on one event loop; maxConnections bounds them',
  },
  {
    name: 'threadPoolSize',
    property: 'ThreadPoolSize',
    kpl: true,
    type: 'integer',
    default: 0,
    min: 0n,
    max: 2147483647n,
    description: 'Size of the native thread pool for POOLED.',
    goesTo: 'ignored',
    ignoredBecause: 'Node.js has no HTTP thread pool',
  },
  {
    name: 'additionalMetricsDimensions',
    kpl: true,
    type: 'list',
    default: [],
    defaultText: 'none',
    allowed:
      'an array of { key, value, granularity } with key and value of 1 to 255 characters and granularity one of global, stream, shard',
    accept: dimensions,
    description:
      "Custom dimensions added to uploaded metrics, in order (the KPL's addAdditionalMetricsDimension).",
    goesTo: 'daemon',
    field: 'additionalMetricDims',
  },
  // kpl-spec §4.3: the options the KPL's Java wrapper consumes.
  {
    name: 'credentials',
    property: 'CredentialsProvider',
    kpl: true,
    type: 'object',
    default: undefined,
    defaultText: "the SDK's default chain",
    allowed: CREDENTIALS_ALLOWED,
    accept: credentials,
    description: 'Credentials for Kinesis, and for CloudWatch unless metricsCredentials is set.',
    goesTo: 'wrapper',
  },
  {
    name: 'metricsCredentials',
    property: 'MetricsCredentialsProvider',
    kpl: true,
    type: 'object',
    default: undefined,
    defaultText: 'credentials',
    allowed: CREDENTIALS_ALLOWED,
    accept: credentials,
    description: 'Credentials for the CloudWatch uploads.',
    goesTo: 'wrapper',
  },
  {
    name: 'credentialsRefreshDelay',
    property: 'CredentialsRefreshDelay',
    kpl: true,
    type: 'integer',
    default: 5000,
    min: 1n,
    max: 300000n,
    description: 'Period in ms of pushing fresh credentials to the daemon.',
    goesTo: 'wrapper',
  },
  {
    name: 'maxUserRecordSize',
    property: 'MaxUserRecordSize',
    kpl: true,
    type: 'integer',
    default: 1048576,
    min: 64n,
    max: 10485760n,
    description: 'Largest data of one user record in bytes (the partition key not counted).',
    goesTo: 'both',
    field: 'maxUserRecordSize',
  },
  {
    name: 'nativeExecutable',
    property: 'NativeExecutable',
    kpl: true,
    type: 'string',
    default: '',
    defaultText: 'the bundled daemon',
    description: 'Path of a daemon executable to run instead of the bundled one.',
    goesTo: 'wrapper',
  },
  {
    name: 'tempDirectory',
    property: 'TempDirectory',
    kpl: true,
    type: 'string',
    default: '',
    description: 'Where the KPL extracted its binary and made its pipes.',
    goesTo: 'ignored',
    ignoredBecause: 'nothing is extracted and the daemon talks over stdio, not named pipes',
  },
  {
    name: 'caCertPath',
    property: 'CaCertPath',
    kpl: true,
    type: 'string',
    default: '',
    description:
      "PEM certificates (a file or a directory) trusted in addition to the system's roots.",
    goesTo: 'daemon',
    field: 'caCertPath',
  },
  {
    name: 'caCertFile',
    property: 'CaCertFile',
    kpl: true,
    type: 'string',
    default: '',
    description: "A PEM bundle trusted in addition to the system's roots; the same as caCertPath.",
    goesTo: 'daemon',
    field: 'caCertPath',
    toConfig: (value: string): ConfigInit => (value ? { caCertPath: value } : {}),
  },
  {
    name: 'userRecordTimeoutInMillis',
    property: 'UserRecordTimeoutInMillis',
    kpl: true,
    type: 'integer',
    default: 0,
    min: 0n,
    max: TIMER_MAX,
    description: 'Fail a record in the wrapper if not completed after this many ms; 0 means never.',
    goesTo: 'wrapper',
  },
  {
    name: 'enableOldestFutureTracker',
    property: 'EnableOldestFutureTracker',
    kpl: true,
    type: 'boolean',
    default: true,
    description: 'Track the oldest outstanding record for getOldestRecordTimeInMillis.',
    goesTo: 'ignored',
    ignoredBecause: 'the oldest outstanding record is always tracked; it costs nothing here',
  },
  {
    name: 'returnUserRecordOnFailure',
    property: 'ReturnUserRecordOnFailure',
    kpl: true,
    type: 'boolean',
    default: false,
    description: 'Attach the user record to the error of a failed record.',
    goesTo: 'wrapper',
  },
  {
    name: 'enableDaemonHealthCheck',
    property: 'EnableDaemonHealthCheck',
    kpl: true,
    type: 'boolean',
    // On by default, unlike the KPL: a hung daemon should not wait for someone to notice.
    default: true,
    description:
      'Restart the daemon when it stops answering pings (on by default, unlike the KPL).',
    goesTo: 'wrapper',
  },
  {
    name: 'daemonHealthCheckTimeoutMs',
    property: 'DaemonHealthCheckTimeoutMs',
    kpl: true,
    type: 'integer',
    default: 30000,
    min: 5000n,
    max: TIMER_MAX,
    description: 'Silence in ms after which the health check restarts the daemon.',
    goesTo: 'wrapper',
  },
  {
    name: 'stsEndpoint',
    property: 'StsEndpoint',
    kpl: true,
    type: 'string',
    default: '',
    pattern: HOST_PATTERN,
    patternText: HOST_PATTERN_TEXT,
    description: 'STS host of old KPL versions.',
    goesTo: 'ignored',
    ignoredBecause: 'the KPL stopped using STS in 1.0.5 and kept the option for compatibility',
  },
  {
    name: 'stsPort',
    property: 'StsPort',
    kpl: true,
    type: 'integer',
    default: 443,
    min: 1n,
    max: 65535n,
    description: 'STS port of old KPL versions.',
    goesTo: 'ignored',
    ignoredBecause: 'the KPL stopped using STS in 1.0.5 and kept the option for compatibility',
  },
  // Options of this library.
  {
    name: 'aggregationMode',
    property: 'AggregationMode',
    kpl: false,
    type: 'enum',
    default: 'shard',
    values: ['shard', 'partitionKey'],
    description:
      "Group aggregated records by predicted shard (the KPL's way) or by partition key (one key per Kinesis record).",
    goesTo: 'daemon',
    field: 'aggregationMode',
    toConfig: (value: string): ConfigInit => ({
      aggregationMode: value === 'partitionKey' ? 'partition_key' : value,
    }),
  },
  {
    name: 'retryBackoff',
    property: 'RetryBackoff',
    kpl: false,
    type: 'boolean',
    default: true,
    description:
      "Back off exponentially before retrying throttled and failed records; false keeps the KPL's timing.",
    goesTo: 'daemon',
    field: 'retryBackoff',
  },
  {
    name: 'adaptiveRateLimit',
    property: 'AdaptiveRateLimit',
    kpl: false,
    type: 'boolean',
    default: true,
    description:
      "Lower a shard's rate limit when Kinesis throttles it and raise it back after; false keeps the KPL's fixed RateLimit.",
    goesTo: 'daemon',
    field: 'adaptiveRateLimit',
  },
  {
    name: 'retryBackoffBase',
    property: 'RetryBackoffBase',
    kpl: false,
    type: 'integer',
    default: 100,
    min: 1n,
    max: 60000n,
    description: 'First retry backoff in ms.',
    goesTo: 'daemon',
    field: 'retryBackoffBase',
  },
  {
    name: 'retryBackoffMax',
    property: 'RetryBackoffMax',
    kpl: false,
    type: 'integer',
    default: 5000,
    min: 1n,
    max: 300000n,
    description: 'Largest retry backoff in ms.',
    goesTo: 'daemon',
    field: 'retryBackoffMax',
  },
  {
    name: 'maxOutstandingRecords',
    property: 'MaxOutstandingRecords',
    kpl: false,
    type: 'integer',
    default: 100000,
    min: 1n,
    max: 1000000000n,
    description:
      'Most records outstanding at once; past it addUserRecord rejects with BufferFullError.',
    goesTo: 'wrapper',
  },
  {
    name: 'maxOutstandingBytes',
    property: 'MaxOutstandingBytes',
    kpl: false,
    type: 'integer',
    default: 268435456,
    min: 1024n,
    max: SAFE_MAX,
    description:
      'Most data bytes outstanding at once; past it addUserRecord rejects with BufferFullError.',
    goesTo: 'wrapper',
  },
  {
    name: 'resubmitOnDaemonExit',
    property: 'ResubmitOnDaemonExit',
    kpl: false,
    type: 'boolean',
    default: true,
    description:
      'After a daemon crash, send the records it had not answered to the restarted daemon (at-least-once); false fails them with DaemonExitedError, as the KPL does.',
    goesTo: 'wrapper',
  },
  {
    name: 'daemonMaxRestarts',
    property: 'DaemonMaxRestarts',
    kpl: false,
    type: 'integer',
    default: 10,
    min: 0n,
    max: 1000n,
    description:
      'Daemon restarts in a row (none of them staying up 5 s) before the producer fails for good; 0 means never restart.',
    goesTo: 'wrapper',
  },
  {
    name: 'daemonRestartBackoffBase',
    property: 'DaemonRestartBackoffBase',
    kpl: false,
    type: 'integer',
    default: 100,
    min: 1n,
    max: 60000n,
    description: 'First delay in ms before a dead daemon is restarted (doubling, with jitter).',
    goesTo: 'wrapper',
  },
  {
    name: 'daemonRestartBackoffMax',
    property: 'DaemonRestartBackoffMax',
    kpl: false,
    type: 'integer',
    default: 10000,
    min: 1n,
    max: 300000n,
    description: 'Largest delay in ms before a dead daemon is restarted.',
    goesTo: 'wrapper',
  },
  {
    name: 'logger',
    kpl: false,
    type: 'object',
    default: undefined,
    defaultText: 'none',
    allowed: 'an object whose trace, debug, info, warn and error, where present, are functions',
    accept: logger,
    description: "Receives the producer's and the daemon's log lines.",
    goesTo: 'wrapper',
  },
  {
    name: 'schemaRegistry',
    kpl: false,
    type: 'object',
    default: undefined,
    defaultText:
      "registry default-registry, no auto-registration, no compression, the producer's region and credentials",
    allowed: SCHEMA_REGISTRY_ALLOWED,
    accept: acceptSchemaRegistry,
    description:
      'The AWS Glue Schema Registry used for records with a schema: registry, auto-registration, compression, endpoint, region, credentials.',
    goesTo: 'wrapper',
  },
] as const satisfies readonly OptionRow[];

export const OPTION_TABLE: readonly OptionRow[] = ROWS;
export type OptionName = (typeof ROWS)[number]['name'];
/** The options that reach WrapperSettings, by the table. */
export type WrapperOptionName = Extract<
  (typeof ROWS)[number],
  { goesTo: 'wrapper' | 'both' }
>['name'];

const BY_NAME = new Map<string, OptionRow>(OPTION_TABLE.map((r) => [r.name, r]));

export function findOption(name: string): OptionRow | undefined {
  return BY_NAME.get(name);
}

/** The phrase for what the option allows, as error messages and the README say it. */
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

/** The default as the README shows it. */
export function describeDefault(row: OptionRow): string {
  if (row.defaultText) return row.defaultText;
  if (row.default === '') return '(empty)';
  return String(row.default);
}

/** Where the option goes, as the README shows it, with the proto name of its field. */
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
  const fail = () => new InvalidOptionError(row.name, value, describeAllowed(row));
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
    : "not a known option (see the README's table of options)";
  return new InvalidOptionError(name, value, allowed);
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
  return {
    configuration: create(
      ConfigurationSchema,
      init as MessageInitShape<typeof ConfigurationSchema>,
    ),
    settings: settings as unknown as WrapperSettings,
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
