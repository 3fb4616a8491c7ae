// The daemon's view of the Configuration message: plain numbers, checked once at start.
// The wrapper validates first; these checks exist so that another wrapper (or a bad frame)
// gets a clear exit instead of a daemon misbehaving later. Ranges, patterns and allowed values
// come from the one option table, so the two processes cannot disagree on a limit.
import { HOST_PATTERN, OPTION_TABLE, type OptionRow } from '@kinesis-producer/options/table';
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
  /** The wrapper reads GroupedResults. */
  groupedResults: boolean;
  retryBackoffBase: number;
  retryBackoffMax: number;
  caCertPath: string;
  /** Largest data of one user record, in bytes. */
  maxUserRecordSize: number;
  additionalDimensions: { key: string; value: string; granularity: string }[];
}

export class ConfigError extends Error {}

type ConfigField = Exclude<keyof Configuration, '$typeName' | '$unknown'>;

/** The option table's row for a Configuration field (the one row that has it, or its integer or
 * enum row when an alias such as caCertFile shares it). */
function rowOf(table: readonly OptionRow[], field: ConfigField): OptionRow {
  const rows = table.filter((r) => r.field === field);
  const row = rows.find((r) => r.type === 'integer' || r.type === 'enum') ?? rows[0];
  if (!row) throw new Error(`no option in the table sets ${field}`);
  return row;
}

/** protobuf-es names are camelCase; the daemon's messages name fields as the .proto does. */
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function readConfig(
  c: Configuration,
  table: readonly OptionRow[] = OPTION_TABLE,
): DaemonConfig {
  // The checks are the option table's own: a range or pattern is written once, in its row.
  const range = (field: ConfigField): number => {
    const { min, max } = rowOf(table, field);
    const v = c[field] as bigint;
    if (min === undefined || max === undefined)
      throw new Error(`${field} has no range in the table`);
    if (v < min || v > max) {
      throw new ConfigError(`${snake(field)} must be between ${min} and ${max}, got ${v}`);
    }
    return Number(v);
  };
  const matching = (
    field: ConfigField,
    v: string,
    re: RegExp | undefined = rowOf(table, field).pattern,
  ): string => {
    if (!re) throw new Error(`${field} has no pattern in the table`);
    if (!re.test(v))
      throw new ConfigError(`${snake(field)} must match the pattern ${re.source}, got ${v}`);
    return v;
  };
  const oneOf = (field: ConfigField, name = snake(field), v = c[field] as string): string => {
    const row = rowOf(table, field);
    const allowed = [...(row.values ?? []), ...Object.keys(row.aliases ?? {})];
    if (!allowed.includes(v))
      throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${v}`);
    return v;
  };
  const mode = c.aggregationMode === 'partition_key' ? 'partition_key' : 'shard';
  if (c.aggregationMode !== 'shard' && c.aggregationMode !== 'partition_key') {
    throw new ConfigError(
      `aggregation_mode must be shard or partition_key, got ${c.aggregationMode}`,
    );
  }
  return {
    aggregationEnabled: c.aggregationEnabled,
    aggregationMode: mode,
    aggregationMaxCount: range('aggregationMaxCount'),
    aggregationMaxSize: range('aggregationMaxSize'),
    collectionMaxCount: range('collectionMaxCount'),
    collectionMaxSize: range('collectionMaxSize'),
    connectTimeout: range('connectTimeout'),
    requestTimeout: range('requestTimeout'),
    failIfThrottled: c.failIfThrottled,
    kinesisEndpoint: matching('kinesisEndpoint', c.kinesisEndpoint, HOST_PATTERN),
    kinesisPort: range('kinesisPort'),
    kinesisEndpointUrl: c.kinesisEndpointUrl ?? '',
    cloudwatchEndpoint: matching('cloudwatchEndpoint', c.cloudwatchEndpoint, HOST_PATTERN),
    cloudwatchPort: range('cloudwatchPort'),
    cloudwatchEndpointUrl: c.cloudwatchEndpointUrl ?? '',
    logLevel: oneOf('logLevel'),
    maxConnections: range('maxConnections'),
    metricsGranularity: oneOf('metricsGranularity'),
    metricsLevel: oneOf('metricsLevel'),
    metricsNamespace: matching('metricsNamespace', c.metricsNamespace),
    metricsUploadDelay: range('metricsUploadDelay'),
    rateLimit: range('rateLimit'),
    recordMaxBufferedTime: range('recordMaxBufferedTime'),
    recordTtl: range('recordTtl'),
    region: matching('region', c.region),
    verifyCertificate: c.verifyCertificate,
    proxyHost: c.proxyHost,
    proxyPort: range('proxyPort'),
    proxyUserName: c.proxyUserName,
    proxyPassword: c.proxyPassword,
    retryBackoff: c.retryBackoff,
    adaptiveRateLimit: c.adaptiveRateLimit,
    batchedResults: c.batchedResults,
    groupedResults: c.groupedResults,
    retryBackoffBase: range('retryBackoffBase'),
    retryBackoffMax: range('retryBackoffMax'),
    caCertPath: c.caCertPath,
    maxUserRecordSize: range('maxUserRecordSize'),
    additionalDimensions: c.additionalMetricDims.map((d) => ({
      key: d.key,
      value: d.value,
      granularity: oneOf('metricsGranularity', 'granularity', d.granularity),
    })),
  };
}
