import { create, fromBinary, isFieldSet, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { type Configuration, ConfigurationSchema } from '@kinesis-producer/protocol';
import { InvalidOptionError } from './errors.js';
import {
  describeAllowed,
  type KinesisProducerOptions,
  OPTION_TABLE,
  type OptionName,
  type OptionRow,
  resolveOptions,
  type WrapperOptionName,
  type WrapperSettings,
} from './options.js';

const I64_MAX = 9223372036854775807n;

// The KPL's defaults, copied by hand from kpl-spec §4.2 and §4.3 (Java field initialisers).
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

const row = (name: string): OptionRow => {
  const r = OPTION_TABLE.find((o) => o.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
};

function rejection(options: Record<string, unknown>): InvalidOptionError {
  try {
    resolveOptions(options as KinesisProducerOptions);
  } catch (err) {
    if (err instanceof InvalidOptionError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(options, (_k, v) => String(v))}`);
}

function expectRejected(name: string, value: unknown, allowed = describeAllowed(row(name))) {
  const err = rejection({ [name]: value });
  expect(err.option).toBe(name);
  expect(Object.is(err.value, value)).toBe(true);
  expect(err.allowed).toBe(allowed);
  expect(err.message).toContain(name);
}

const config = (options: KinesisProducerOptions) => resolveOptions(options).configuration;
const fieldDefault = (field: string) =>
  (create(ConfigurationSchema) as Record<string, unknown>)[field];

describe('the table covers the KPL', () => {
  test('every KPL option of §4.2 and §4.3 but the Glue ones has a row, with the KPL default', () => {
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

describe('integer ranges', () => {
  const integers = OPTION_TABLE.filter((r) => r.type === 'integer');

  test.each(integers.map((r) => [r.name, r] as const))(
    '%s: boundaries in, one past out',
    (_n, r) => {
      const big = r.max! > BigInt(Number.MAX_SAFE_INTEGER);
      const asInput = (v: bigint) => (big && v > BigInt(Number.MAX_SAFE_INTEGER) ? v : Number(v));
      for (const v of [r.min!, r.max!]) {
        expect(() => resolveOptions({ [r.name]: asInput(v) })).not.toThrow();
      }
      expectRejected(r.name, asInput(r.min! - 1n));
      expectRejected(r.name, asInput(r.max! + 1n));
    },
  );

  test('the allowed phrase says the range', () => {
    expect(describeAllowed(row('maxConnections'))).toBe('an integer from 1 to 256');
    expect(describeAllowed(row('recordTtl'))).toBe(
      'an integer from 100 to 9223372036854775807 (a number or a bigint)',
    );
    expect(rejection({ maxConnections: 257 }).message).toBe(
      'Invalid option maxConnections: got 257; an integer from 1 to 256.',
    );
  });

  test('fractions, NaN, infinities, unsafe numbers and numeric strings are refused', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1000', null, true]) {
      expectRejected('recordTtl', bad);
    }
  });

  test('bigint is taken only where the maximum passes 2^53, and stays bigint', () => {
    expectRejected('maxConnections', 24n);
    expect(config({ recordTtl: I64_MAX }).recordTtl).toBe(I64_MAX);
    expect(config({ aggregationMaxCount: 7n }).aggregationMaxCount).toBe(7n);
  });
});

describe('strings, patterns and enums', () => {
  test('region: the KPL pattern, which covers partitions such as cn and us-gov', () => {
    for (const ok of ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'eu-central-2', '']) {
      expect(() => resolveOptions({ region: ok })).not.toThrow();
    }
    for (const bad of ['US-EAST-1', 'us-east', 'us-east-1 ', 'useast1', 'us-east-12']) {
      expectRejected('region', bad, 'a string matching ^([a-z]+-([a-z]+-)?[a-z]+-[0-9])?$');
    }
  });

  test('metricsNamespace: 1 to 255 characters, not under AWS/', () => {
    expect(() => resolveOptions({ metricsNamespace: 'x'.repeat(255) })).not.toThrow();
    expect(() => resolveOptions({ metricsNamespace: 'MyApp/AWS/x' })).not.toThrow();
    for (const bad of ['', 'x'.repeat(256), 'AWS/Kinesis']) expectRejected('metricsNamespace', bad);
  });

  test('stsEndpoint keeps the KPL host pattern although it does nothing', () => {
    expect(() => resolveOptions({ stsEndpoint: 'sts.amazonaws.com' })).not.toThrow();
    expectRejected('stsEndpoint', 'https://sts.amazonaws.com');
  });

  test('strings refuse other types', () => {
    expectRejected('proxyHost', 1);
    expectRejected('nativeExecutable', null);
  });

  test.each(OPTION_TABLE.filter((r) => r.type === 'enum').map((r) => [r.name, r] as const))(
    '%s: every value accepted, others refused',
    (_n, r) => {
      for (const v of r.values!) expect(() => resolveOptions({ [r.name]: v })).not.toThrow();
      expectRejected(r.name, `${r.values![0]}x`);
      expectRejected(
        r.name,
        r.values![0]!.toUpperCase() === r.values![0]
          ? r.values![0]!.toLowerCase()
          : r.values![0]!.toUpperCase(),
      );
      expectRejected(r.name, 1);
    },
  );

  test("logLevel takes 'warn' for 'warning', in both the daemon's and the wrapper's copy", () => {
    const { configuration, settings } = resolveOptions({ logLevel: 'warn' });
    expect(configuration.logLevel).toBe('warning');
    expect(settings.logLevel).toBe('warning');
    expect(describeAllowed(row('logLevel'))).toBe(
      "one of trace, debug, info, warning, error ('warn' means warning)",
    );
  });

  test('aggregationMode partitionKey is spelt partition_key on the wire', () => {
    expect(config({ aggregationMode: 'partitionKey' }).aggregationMode).toBe('partition_key');
    expect(config({ aggregationMode: 'shard' }).aggregationMode).toBe('shard');
  });

  test('booleans refuse truthy look-alikes', () => {
    for (const bad of ['true', 1, 0, null]) expectRejected('aggregationEnabled', bad);
  });
});

describe('endpoints: a host or a URL', () => {
  test('a host goes into kinesis_endpoint, to be used with HTTPS on kinesisPort', () => {
    for (const host of ['127.0.0.1', 'kinesis.us-east-1.amazonaws.com', 'localhost']) {
      const c = config({ kinesisEndpoint: host, kinesisPort: 4567 });
      expect([
        c.kinesisEndpoint,
        c.kinesisPort,
        isFieldSet(c, field('kinesisEndpointUrl')),
      ]).toEqual([host, 4567n, false]);
    }
  });

  test('a URL goes into kinesis_endpoint_url, reduced to its origin', () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1:4567', 'http://127.0.0.1:4567'],
      ['https://localhost:4443', 'https://localhost:4443'],
      ['http://localhost:4567/', 'http://localhost:4567'],
      ['HTTP://Example.com', 'http://example.com'],
    ];
    for (const [given, origin] of cases) {
      const c = config({ kinesisEndpoint: given, cloudwatchEndpoint: given });
      expect([c.kinesisEndpointUrl, c.cloudwatchEndpointUrl]).toEqual([origin, origin]);
      expect(isFieldSet(c, field('kinesisEndpoint'))).toBe(false);
      expect(c.kinesisEndpoint).toBe('');
    }
  });

  test('other schemes, empty hosts, paths and credentials are refused', () => {
    for (const bad of [
      'ftp://x',
      'http://',
      'host/path',
      'http://h/p',
      'http://u:p@h',
      'http://h?q=1',
      'h:443',
    ]) {
      expectRejected('kinesisEndpoint', bad);
      expectRejected('cloudwatchEndpoint', bad);
    }
    expect(describeAllowed(row('kinesisEndpoint'))).toContain('^([A-Za-z0-9-\\.]+)?$');
  });
});

const field = (name: string) =>
  (ConfigurationSchema.field as Record<string, (typeof ConfigurationSchema.fields)[number]>)[name]!;

describe('objects', () => {
  test('credentials: an identity or a provider function', () => {
    const identity = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 't' };
    const provider = async () => identity;
    expect(resolveOptions({ credentials: identity }).settings.credentials).toBe(identity);
    expect(resolveOptions({ metricsCredentials: provider }).settings.metricsCredentials).toBe(
      provider,
    );
    for (const bad of ['AKID', {}, { accessKeyId: 'AKID' }, null, []]) {
      expectRejected('credentials', bad);
    }
  });

  test('logger: an object whose level methods are functions', () => {
    const logger = { info: () => {}, warn: () => {} };
    expect(resolveOptions({ logger }).settings.logger).toBe(logger);
    expect(() => resolveOptions({ logger: console })).not.toThrow();
    expectRejected('logger', () => {});
    expectRejected('logger', { info: 'loud' });
  });

  test('additionalMetricsDimensions go into field 128 in order', () => {
    const dims = [
      { key: 'Host', value: 'h1', granularity: 'global' },
      { key: 'App', value: 'a', granularity: 'shard' },
    ] as const;
    const c = config({ additionalMetricsDimensions: dims });
    expect(c.additionalMetricDims.map((d) => [d.key, d.value, d.granularity])).toEqual([
      ['Host', 'h1', 'global'],
      ['App', 'a', 'shard'],
    ]);
    expectRejected('additionalMetricsDimensions', [{ key: 'k', value: 'v', granularity: 'host' }]);
    expectRejected('additionalMetricsDimensions', [{ key: '', value: 'v', granularity: 'stream' }]);
    expectRejected('additionalMetricsDimensions', { key: 'k', value: 'v', granularity: 'stream' });
  });
});

describe('unknown options', () => {
  test('a misspelt name is refused with the nearest known name', () => {
    expect(rejection({ recordTTL: 5000 }).allowed).toBe(
      'not a known option; the nearest is recordTtl',
    );
    expect(rejection({ RecordTtl: 5000 }).allowed).toBe(
      'not a known option; the nearest is recordTtl',
    );
    expect(rejection({ maxConection: 5 }).allowed).toBe(
      'not a known option; the nearest is maxConnections',
    );
    const far = rejection({ banana: 1 });
    expect([far.option, far.value]).toEqual(['banana', 1]);
    expect(far.allowed).toBe("not a known option (see the README's table of options)");
  });

  test('an unknown name is refused even when its value is undefined', () => {
    expect(rejection({ regoin: undefined }).option).toBe('regoin');
  });

  test('options must be an object', () => {
    expect(() => resolveOptions(null as unknown as KinesisProducerOptions)).toThrow(
      InvalidOptionError,
    );
  });
});

describe('the Configuration and the settings', () => {
  test('recordTtl 5000 sets configuration.recordTtl = 5000n, and it survives the wire', () => {
    const c = config({ recordTtl: 5000, maxConnections: 8, aggregationEnabled: false });
    expect(c.recordTtl).toBe(5000n);
    const back: Configuration = fromBinary(ConfigurationSchema, toBinary(ConfigurationSchema, c));
    expect([back.recordTtl, back.maxConnections, back.aggregationEnabled]).toEqual([
      5000n,
      8n,
      false,
    ]);
  });

  test('options not given are not set, so the daemon reads the KPL defaults', () => {
    const { configuration: c, settings } = resolveOptions();
    for (const f of ConfigurationSchema.fields)
      expect([f.name, isFieldSet(c, f)]).toEqual([f.name, false]);
    expect([c.recordTtl, c.aggregationMaxCount, c.region, c.logLevel]).toEqual([
      30000n,
      4294967295n,
      '',
      'info',
    ]);
    expect(settings).toEqual({
      credentialsRefreshDelay: 5000,
      maxUserRecordSize: 1048576,
      maxOutstandingRecords: 100000,
      maxOutstandingBytes: 268435456,
      resubmitOnDaemonExit: true,
      daemonMaxRestarts: 10,
      daemonRestartBackoffBase: 100,
      daemonRestartBackoffMax: 10000,
      userRecordTimeoutInMillis: 0,
      enableDaemonHealthCheck: true,
      daemonHealthCheckTimeoutMs: 30000,
      returnUserRecordOnFailure: false,
      logLevel: 'info',
      region: undefined,
      nativeExecutable: undefined,
      credentials: undefined,
      metricsCredentials: undefined,
      logger: undefined,
      // Derived from the daemon's options, at the KPL's defaults, for the wrapper's Glue calls.
      transport: {
        verifyCertificate: true,
        caCertPath: undefined,
        proxyHost: undefined,
        proxyPort: 443,
        proxyUserName: undefined,
        proxyPassword: undefined,
        maxConnections: 24,
        connectTimeout: 6000,
      },
    });
  });

  test('the TLS and proxy options reach the wrapper too, for its Glue calls', () => {
    const { settings } = resolveOptions({
      verifyCertificate: false,
      caCertPath: '/etc/extra-ca.pem',
      proxyHost: 'proxy.internal',
      proxyPort: 3128,
      proxyUserName: 'u',
      proxyPassword: 'p',
      connectTimeout: 2000,
    });
    expect(settings.transport).toEqual({
      verifyCertificate: false,
      caCertPath: '/etc/extra-ca.pem',
      proxyHost: 'proxy.internal',
      proxyPort: 3128,
      proxyUserName: 'u',
      proxyPassword: 'p',
      maxConnections: 24,
      connectTimeout: 2000,
    });
  });

  test('an option given as undefined counts as not given', () => {
    const { configuration, settings } = resolveOptions({ region: undefined, recordTtl: undefined });
    expect(isFieldSet(configuration, field('recordTtl'))).toBe(false);
    expect(settings.region).toBeUndefined();
  });

  test('region goes to both sides; maxUserRecordSize too', () => {
    const { configuration, settings } = resolveOptions({
      region: 'eu-west-1',
      maxUserRecordSize: 2048,
    });
    expect([configuration.region, settings.region]).toEqual(['eu-west-1', 'eu-west-1']);
    expect([configuration.maxUserRecordSize, settings.maxUserRecordSize]).toEqual([2048n, 2048]);
  });

  test('wrapper options stay out of the Configuration; daemon options out of the settings', () => {
    const { configuration, settings } = resolveOptions({ maxOutstandingRecords: 7, rateLimit: 50 });
    expect(settings.maxOutstandingRecords).toBe(7);
    expect(configuration.rateLimit).toBe(50n);
    expect('rateLimit' in settings).toBe(false);
  });

  test('ignored options are checked but never reach the daemon', () => {
    const c = config({
      minConnections: 16,
      threadPoolSize: 8,
      threadingModel: 'POOLED',
      enableCoreDumps: true,
    });
    for (const f of ['minConnections', 'threadPoolSize', 'threadConfig', 'enableCoreDumps']) {
      expect([f, isFieldSet(c, field(f))]).toEqual([f, false]);
    }
    expectRejected('minConnections', 17);
  });

  test('the extension fields carry our own options', () => {
    const c = config({
      retryBackoff: false,
      retryBackoffBase: 50,
      retryBackoffMax: 800,
      caCertPath: '/ca.pem',
    });
    expect([c.retryBackoff, c.retryBackoffBase, c.retryBackoffMax, c.caCertPath]).toEqual([
      false,
      50n,
      800n,
      '/ca.pem',
    ]);
  });

  test('caCertFile fills ca_cert_path; it cannot be combined with caCertPath', () => {
    expect(config({ caCertFile: '/etc/bundle.pem' }).caCertPath).toBe('/etc/bundle.pem');
    expect(config({ caCertPath: '/ca', caCertFile: '' }).caCertPath).toBe('/ca');
    const err = rejection({ caCertPath: '/ca', caCertFile: '/bundle.pem' });
    expect([err.option, err.value]).toEqual(['caCertFile', '/bundle.pem']);
  });
});
