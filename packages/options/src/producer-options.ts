// The producer's options as TypeScript sees them: KinesisProducerOptions (its JSDoc is each
// row's description, checked by option-docs.test.ts), and what resolving them yields for the
// wrapper. The rows themselves, with types, defaults and ranges, are in option-table.ts.
import type { Configuration } from '@kinesis-producer/protocol';
import type { TransportSettings } from '@kinesis-producer/transport';
import type { CredentialsOption } from './credentials-option.js';
import type { SchemaRegistryOptions, SchemaRegistrySettings } from './schema-registry-settings.js';

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
