import { create } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { readConfig } from './config.js';
import { cloudwatchOrigin, kinesisOrigin, regionalHost } from './service-origins.js';

function config(fields: Record<string, unknown>) {
  return readConfig(create(ConfigurationSchema, { region: 'us-east-1', ...fields }));
}

describe('endpoints', () => {
  test('a host and a port mean HTTPS on that port', () => {
    const c = config({ kinesisEndpoint: 'kinesis.example.com', kinesisPort: 4443n });
    expect(kinesisOrigin(c).href).toBe('https://kinesis.example.com:4443/');
    const w = config({ cloudwatchEndpoint: '10.0.0.7', cloudwatchPort: 8443n });
    expect(cloudwatchOrigin(w).href).toBe('https://10.0.0.7:8443/');
  });

  test('a host alone is HTTPS on 443, as in the KPL', () => {
    expect(kinesisOrigin(config({ kinesisEndpoint: 'localhost' })).origin).toBe(
      'https://localhost',
    );
  });

  test('a URL is used as it is, and its port wins over the port option', () => {
    const c = config({ kinesisEndpointUrl: 'http://127.0.0.1:4567', kinesisPort: 9999n });
    expect(kinesisOrigin(c).origin).toBe('http://127.0.0.1:4567');
    const w = config({ cloudwatchEndpointUrl: 'https://monitoring.internal:8443' });
    expect(cloudwatchOrigin(w).origin).toBe('https://monitoring.internal:8443');
  });

  test('no endpoint means the regional default', () => {
    expect(kinesisOrigin(config({ region: 'eu-west-1' })).origin).toBe(
      'https://kinesis.eu-west-1.amazonaws.com',
    );
    expect(cloudwatchOrigin(config({ region: 'ap-southeast-2' })).origin).toBe(
      'https://monitoring.ap-southeast-2.amazonaws.com',
    );
  });

  test.each([
    ['cn-north-1', 'kinesis.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', 'kinesis.cn-northwest-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'kinesis.us-gov-west-1.amazonaws.com'],
    ['us-iso-east-1', 'kinesis.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'kinesis.us-isob-east-1.sc2s.sgov.gov'],
    ['us-isof-south-1', 'kinesis.us-isof-south-1.csp.hci.ic.gov'],
    ['eu-isoe-west-1', 'kinesis.eu-isoe-west-1.cloud.adc-e.uk'],
    ['eusc-de-east-1', 'kinesis.eusc-de-east-1.amazonaws.eu'],
    ['us-east-1', 'kinesis.us-east-1.amazonaws.com'],
  ])('%s is served from its partition: %s', (region, host) => {
    expect(regionalHost('kinesis', region)).toBe(host);
    expect(kinesisOrigin(config({ region })).hostname).toBe(host);
  });

  test("China's CloudWatch uses the China domain too", () => {
    expect(cloudwatchOrigin(config({ region: 'cn-north-1' })).hostname).toBe(
      'monitoring.cn-north-1.amazonaws.com.cn',
    );
  });
});
