// The daemon's view of the Configuration message: plain numbers, checked once at start.
// The wrapper validates first; these checks exist so that another wrapper (or a bad frame)
// gets a clear exit instead of a daemon misbehaving later.
import type { Configuration } from '@kinesis-producer/protocol';

export interface DaemonConfig {
  aggregationEnabled: boolean;
  aggregationMode: 'shard' | 'partition_key';
  aggregationMaxCount: number;
  aggregationMaxSize: number;
  collectionMaxCount: number;
  collectionMaxSize: number;
  connectTimeout: number;
  requestTimeout: number;
  failIfThrottled: boolean;
  kinesisEndpoint: string;
  kinesisPort: number;
  kinesisEndpointUrl: string;
  cloudwatchEndpoint: string;
  cloudwatchPort: number;
  cloudwatchEndpointUrl: string;
  logLevel: string;
  maxConnections: number;
  metricsGranularity: string;
  metricsLevel: string;
  metricsNamespace: string;
  metricsUploadDelay: number;
  rateLimit: number;
  recordMaxBufferedTime: number;
  recordTtl: number;
  region: string;
  verifyCertificate: boolean;
  proxyHost: string;
  proxyPort: number;
  proxyUserName: string;
  proxyPassword: string;
  retryBackoff: boolean;
  adaptiveRateLimit: boolean;
  /** The wrapper reads PutRecordResults. */
  batchedResults: boolean;
  retryBackoffBase: number;
  retryBackoffMax: number;
  caCertPath: string;
  /** Largest data of one user record, in bytes. */
  maxUserRecordSize: number;
  additionalDimensions: { key: string; value: string; granularity: string }[];
}

export class ConfigError extends Error {}

function range(name: string, v: bigint, min: number, max: number | bigint): number {
  if (v < BigInt(min) || v > BigInt(max)) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${v}`);
  }
  return Number(v);
}

function pattern(name: string, v: string, re: RegExp): string {
  if (!re.test(v)) throw new ConfigError(`${name} must match the pattern ${re.source}, got ${v}`);
  return v;
}

const I64_MAX = 9223372036854775807n;
const HOST = /^([A-Za-z0-9-.]+)?$/;

export function readConfig(c: Configuration): DaemonConfig {
  const mode = c.aggregationMode === 'partition_key' ? 'partition_key' : 'shard';
  if (c.aggregationMode !== 'shard' && c.aggregationMode !== 'partition_key') {
    throw new ConfigError(
      `aggregation_mode must be shard or partition_key, got ${c.aggregationMode}`,
    );
  }
  return {
    aggregationEnabled: c.aggregationEnabled,
    aggregationMode: mode,
    aggregationMaxCount: range('aggregation_max_count', c.aggregationMaxCount, 1, I64_MAX),
    aggregationMaxSize: range('aggregation_max_size', c.aggregationMaxSize, 64, 10485760),
    collectionMaxCount: range('collection_max_count', c.collectionMaxCount, 1, 500),
    collectionMaxSize: range('collection_max_size', c.collectionMaxSize, 52224, I64_MAX),
    connectTimeout: range('connect_timeout', c.connectTimeout, 100, 300000),
    requestTimeout: range('request_timeout', c.requestTimeout, 100, 600000),
    failIfThrottled: c.failIfThrottled,
    kinesisEndpoint: pattern('kinesis_endpoint', c.kinesisEndpoint, HOST),
    kinesisPort: range('kinesis_port', c.kinesisPort, 1, 65535),
    kinesisEndpointUrl: c.kinesisEndpointUrl ?? '',
    cloudwatchEndpoint: pattern('cloudwatch_endpoint', c.cloudwatchEndpoint, HOST),
    cloudwatchPort: range('cloudwatch_port', c.cloudwatchPort, 1, 65535),
    cloudwatchEndpointUrl: c.cloudwatchEndpointUrl ?? '',
    logLevel: pattern('log_level', c.logLevel, /^(trace|debug|info|warn|warning|error)$/),
    maxConnections: range('max_connections', c.maxConnections, 1, 256),
    metricsGranularity: pattern(
      'metrics_granularity',
      c.metricsGranularity,
      /^(global|stream|shard)$/,
    ),
    metricsLevel: pattern('metrics_level', c.metricsLevel, /^(none|summary|detailed)$/),
    metricsNamespace: pattern('metrics_namespace', c.metricsNamespace, /^(?!AWS\/).{1,255}$/),
    metricsUploadDelay: range('metrics_upload_delay', c.metricsUploadDelay, 1, 60000),
    rateLimit: range('rate_limit', c.rateLimit, 1, I64_MAX),
    recordMaxBufferedTime: range('record_max_buffered_time', c.recordMaxBufferedTime, 0, I64_MAX),
    recordTtl: range('record_ttl', c.recordTtl, 100, I64_MAX),
    region: pattern('region', c.region, /^([a-z]+-([a-z]+-)?[a-z]+-[0-9])?$/),
    verifyCertificate: c.verifyCertificate,
    proxyHost: c.proxyHost,
    proxyPort: range('proxy_port', c.proxyPort, 1, 65535),
    proxyUserName: c.proxyUserName,
    proxyPassword: c.proxyPassword,
    retryBackoff: c.retryBackoff,
    adaptiveRateLimit: c.adaptiveRateLimit,
    batchedResults: c.batchedResults,
    retryBackoffBase: range('retry_backoff_base', c.retryBackoffBase, 1, 60000),
    retryBackoffMax: range('retry_backoff_max', c.retryBackoffMax, 1, 300000),
    caCertPath: c.caCertPath,
    maxUserRecordSize: range('max_user_record_size', c.maxUserRecordSize, 64, 10485760),
    additionalDimensions: c.additionalMetricDims.map((d) => ({
      key: d.key,
      value: d.value,
      granularity: pattern('granularity', d.granularity, /^(global|stream|shard)$/),
    })),
  };
}
