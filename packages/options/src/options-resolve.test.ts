// What resolveOptions makes of valid options: the daemon's Configuration and the wrapper's
// settings.
import { fromBinary, isFieldSet, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { type Configuration, ConfigurationSchema } from '@kinesis-producer/protocol';
import { config, expectRejected, field, rejection } from './option-fixtures.js';
import { resolveOptions } from './options.js';

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
      daemonRestartWindowMs: 3600000,
      daemonRestartBackoffBase: 100,
      daemonRestartBackoffMax: 10000,
      userRecordTimeoutInMillis: 0,
      enableDaemonHealthCheck: true,
      daemonHealthCheckTimeoutMs: 30000,
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
