// The one table of options: a row per option with its type, default, range or pattern, a line of
// description, and where it goes (the daemon's Configuration, the wrapper, or nowhere). options.ts
// validates and resolves with it; the README table and the .properties loader read it too.
import type { Configuration } from '@kinesis-producer/protocol';
import { isCredentialsOption } from './credentials.js';
import { isHostName, urlOrigin } from './endpoint.js';
import { acceptSchemaRegistry, SCHEMA_REGISTRY_ALLOWED } from './schema-registry/settings.js';

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
export const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
// Node timers cannot wait longer than this; larger delays fire at once.
const TIMER_MAX = 2147483647n;
export const HOST_PATTERN = /^([A-Za-z0-9.-]+)?$/;
const HOST_PATTERN_TEXT = '^([A-Za-z0-9-\\.]+)?$';
const ENDPOINT_ALLOWED = `a host name or IP address matching ${HOST_PATTERN_TEXT}, or an http:// or https:// URL with no path`;

function endpoint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // A host is kept as given (empty: the default endpoint); a URL is reduced to its origin.
  return value === '' || isHostName(value) ? value : urlOrigin(value);
}

function credentials(value: unknown): unknown {
  return isCredentialsOption(value) ? value : undefined;
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
    description:
      "Proxy host for the producer's HTTP clients (the daemon's and the Glue calls); empty means no proxy.",
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
