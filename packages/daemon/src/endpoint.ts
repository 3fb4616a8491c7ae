// Where the daemon's clients connect: a URL given by the user, a host and port, or the
// region's default (China's regions use their own domain).
import type { DaemonConfig } from './config.js';

// The DNS suffix of each AWS partition other than the commercial one, by region prefix (the
// same split as the SDK's partition table; GovCloud shares amazonaws.com).
const PARTITION_SUFFIXES: readonly [RegExp, string][] = [
  [/^cn-/, 'amazonaws.com.cn'],
  [/^us-iso-/, 'c2s.ic.gov'],
  [/^us-isob-/, 'sc2s.sgov.gov'],
  [/^us-isof-/, 'csp.hci.ic.gov'],
  [/^eu-isoe-/, 'cloud.adc-e.uk'],
  [/^eusc-/, 'amazonaws.eu'],
];

export function regionalHost(service: string, region: string): string {
  const domain = PARTITION_SUFFIXES.find(([re]) => re.test(region))?.[1] ?? 'amazonaws.com';
  return `${service}.${region}.${domain}`;
}

export function kinesisOrigin(c: DaemonConfig): URL {
  return origin(c.kinesisEndpointUrl, c.kinesisEndpoint, c.kinesisPort, 'kinesis', c.region);
}

export function cloudwatchOrigin(c: DaemonConfig): URL {
  return origin(
    c.cloudwatchEndpointUrl,
    c.cloudwatchEndpoint,
    c.cloudwatchPort,
    'monitoring',
    c.region,
  );
}

function origin(url: string, host: string, port: number, service: string, region: string): URL {
  if (url) return new URL(url);
  const h = host || regionalHost(service, region);
  return new URL(`https://${h}:${port}`);
}
