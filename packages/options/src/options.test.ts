// Validation of every option: a typed InvalidOptionError naming the option, the value and what
// is allowed.
import { isFieldSet } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { InvalidOptionError } from './option-errors.js';
import { config, expectRejected, field, I64_MAX, rejection, row } from './option-fixtures.js';
import {
  describeAllowed,
  describeDestination,
  type KinesisProducerOptions,
  OPTION_TABLE,
  resolveOptions,
} from './options.js';

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

  test('streamArns: stream names to Kinesis stream ARNs, trimmed', () => {
    const arn = 'arn:aws:kinesis:us-east-1:111122223333:stream/orders';
    const settings = resolveOptions({ streamArns: { ' orders ': ` ${arn}` } }).settings;
    expect(settings.streamArns).toEqual(new Map([['orders', arn]]));
    expect(describeAllowed(row('streamArns'))).toBe(
      'an object mapping stream names to stream ARNs, each arn:<partition>:kinesis:<region>:<12-digit account id>:stream/<name>',
    );
    for (const bad of [
      { orders: 'orders' },
      { orders: 'arn:aws:kinesis:us-east-1:111122223333:orders' },
      { orders: 42 },
      { '': arn },
      { [arn]: arn },
      [arn],
      arn,
    ]) {
      expectRejected('streamArns', bad);
    }
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
    expect([far.option, far.value]).toEqual(['banana', undefined]);
    expect(far.allowed).toBe(
      'not a known option (see the table of options in docs/configuration.md)',
    );
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

test('returnUserRecordOnFailure says plainly that it does nothing: the record is always attached', () => {
  expect(describeDestination(row('returnUserRecordOnFailure'))).toBe(
    'ignored: every error of a failed record carries it as .userRecord, true or false',
  );
  for (const value of [true, false]) {
    expect(
      Object.keys(resolveOptions({ returnUserRecordOnFailure: value }).settings),
    ).not.toContain('returnUserRecordOnFailure');
  }
  expectRejected('returnUserRecordOnFailure', 'yes');
});
