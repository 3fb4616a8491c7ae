// Where the daemon's clients connect: a URL given by the user, a host and port, or the
// region's default (China's regions use their own domain).
import type { DaemonConfig } from './config.js';

export function regionalHost(service: string, region: string): string {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
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
