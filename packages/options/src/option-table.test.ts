import { describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { config, fieldDefault, I64_MAX, row } from './option-fixtures.js';
import {
  type KinesisProducerOptions,
  OPTION_TABLE,
  type OptionName,
  resolveOptions,
  type WrapperOptionName,
  type WrapperSettings,
} from './options.js';

// The KPL's defaults, copied by hand from the Java field initialisers of its
// KinesisProducerConfiguration.
const KPL_DEFAULTS: Record<string, unknown> = {
  AggregationEnabled: true,
  AggregationMaxCount: 4294967295,
  AggregationMaxSize: 51200,
  CloudwatchEndpoint: '',
  CloudwatchPort: 443,
  CollectionMaxCount: 500,
  CollectionMaxSize: 5242880,
  ConnectTimeout: 6000,
  EnableCoreDumps: false,
  FailIfThrottled: false,
  KinesisEndpoint: '',
  KinesisPort: 443,
  LogLevel: 'info',
  MaxConnections: 24,
  MetricsGranularity: 'shard',
  MetricsLevel: 'detailed',
  MetricsNamespace: 'KinesisProducerLibrary',
  MetricsUploadDelay: 60000,
  MinConnections: 1,
  RateLimit: 150,
  RecordMaxBufferedTime: 100,
  RecordTtl: 30000,
  Region: '',
  RequestTimeout: 6000,
  VerifyCertificate: true,
  ProxyHost: '',
  ProxyPort: 443,
  ProxyUserName: '',
  ProxyPassword: '',
  ThreadingModel: 'PER_REQUEST',
  ThreadPoolSize: 0,
  CredentialsProvider: undefined,
  MetricsCredentialsProvider: undefined,
  CredentialsRefreshDelay: 5000,
  MaxUserRecordSize: 1048576,
  NativeExecutable: '',
  TempDirectory: '',
  CaCertPath: '',
  CaCertFile: '',
  UserRecordTimeoutInMillis: 0,
  EnableOldestFutureTracker: true,
  ReturnUserRecordOnFailure: false,
  // Deliberately different: a hung daemon is detected unless the user opts out.
  EnableDaemonHealthCheck: true,
  DaemonHealthCheckTimeoutMs: 30000,
  StsEndpoint: '',
  StsPort: 443,
};

// The KPL's ranges; [min] alone where we cap the maximum lower (Node timers stop at 2^31 - 1).
const KPL_RANGES: Record<string, [bigint, bigint?]> = {
  AggregationMaxCount: [1n, I64_MAX],
  AggregationMaxSize: [64n, 10485760n],
  CloudwatchPort: [1n, 65535n],
  CollectionMaxCount: [1n, 500n],
  CollectionMaxSize: [52224n, I64_MAX],
  ConnectTimeout: [100n, 300000n],
  KinesisPort: [1n, 65535n],
  MaxConnections: [1n, 256n],
  MetricsUploadDelay: [1n, 60000n],
  MinConnections: [1n, 16n],
  RateLimit: [1n, I64_MAX],
  RecordMaxBufferedTime: [0n, I64_MAX],
  RecordTtl: [100n, I64_MAX],
  RequestTimeout: [100n, 600000n],
  ProxyPort: [1n, 65535n],
  ThreadPoolSize: [0n, 2147483647n],
  CredentialsRefreshDelay: [1n, 300000n],
  MaxUserRecordSize: [64n, 10485760n],
  UserRecordTimeoutInMillis: [0n],
  DaemonHealthCheckTimeoutMs: [5000n],
  StsPort: [1n, 65535n],
};

describe('the table covers the KPL', () => {
  test('every KPL option but the Glue ones has a row, with the KPL default', () => {
    const kplRows = OPTION_TABLE.filter((r) => r.kpl && r.property);
    expect(kplRows.map((r) => r.property).sort()).toEqual(Object.keys(KPL_DEFAULTS).sort());
    for (const r of kplRows) {
      expect([r.property, r.default]).toEqual([r.property, KPL_DEFAULTS[r.property!]]);
    }
    expect(row('additionalMetricsDimensions').default).toEqual([]);
    expect(OPTION_TABLE.some((r) => r.property?.startsWith('GlueSchemaRegistry'))).toBe(false);
  });

  test('integer rows of KPL options have the KPL range', () => {
    for (const [property, [min, max]] of Object.entries(KPL_RANGES)) {
      const r = OPTION_TABLE.find((o) => o.property === property)!;
      expect([property, r.type, r.min]).toEqual([property, 'integer', min]);
      if (max !== undefined) expect([property, r.max]).toEqual([property, max]);
    }
    const integers = OPTION_TABLE.filter((r) => r.kpl && r.type === 'integer');
    expect(integers.map((r) => r.property).sort()).toEqual(Object.keys(KPL_RANGES).sort());
  });

  test('a daemon option left at its default is what the daemon reads from the proto default', () => {
    for (const r of OPTION_TABLE.filter((o) => o.goesTo === 'daemon' || o.goesTo === 'both')) {
      const explicit = config({ [r.name]: r.default }) as unknown as Record<string, unknown>;
      expect([r.name, explicit[r.field!]]).toEqual([r.name, fieldDefault(r.field!)]);
    }
  });

  test('option names of the interface, the table and the settings agree', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const interfaceMatchesTable: Same<keyof KinesisProducerOptions, OptionName> = true;
    // `transport` is not an option: it is derived from the daemon's TLS and proxy options.
    const settingsMatchTable: Same<
      Exclude<keyof WrapperSettings, 'transport'>,
      WrapperOptionName
    > = true;
    expect(interfaceMatchesTable && settingsMatchTable).toBe(true);
    const names = OPTION_TABLE.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);

    const settings = resolveOptions({
      region: 'us-east-1',
      nativeExecutable: '/bin/daemon',
      credentials: { accessKeyId: 'A', secretAccessKey: 'S' },
      metricsCredentials: async () => ({ accessKeyId: 'A', secretAccessKey: 'S' }),
      logger: {},
    }).settings;
    const wrapperRows = OPTION_TABLE.filter((r) => r.goesTo === 'wrapper' || r.goesTo === 'both');
    expect(Object.keys(settings).sort()).toEqual(
      [...wrapperRows.map((r) => r.name), 'transport'].sort(),
    );
  });

  test('every daemon or both row names a Configuration field; ignored rows say why', () => {
    for (const r of OPTION_TABLE) {
      if (r.goesTo === 'daemon' || r.goesTo === 'both') {
        expect([r.name, r.field !== undefined && r.field in ConfigurationSchema.field]).toEqual([
          r.name,
          true,
        ]);
      }
      if (r.goesTo === 'ignored')
        expect([r.name, r.ignoredBecause?.length]).not.toEqual([r.name, undefined]);
      expect(r.description.length).toBeGreaterThan(5);
    }
  });
});
