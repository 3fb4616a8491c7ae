// Where the daemon's clients connect: a URL given by the user, a host and port, or the
// region's default host as the AWS SDK resolves it (its endpoint ruleset knows each partition's
// domain, China's and the isolated regions' included).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DaemonConfig } from './config.js';

type Service = 'kinesis' | 'monitoring';

/** The SDK's default host of `service` in `region`. */
export function regionalHost(service: Service, region: string): string {
  // The ruleset is only reachable through a client's configuration; building one sends nothing.
  const client =
    service === 'kinesis' ? new KinesisClient({ region }) : new CloudWatchClient({ region });
  try {
    const { url } = client.config.endpointProvider({
      Region: region,
      UseFIPS: false,
      UseDualStack: false,
    });
    return url.hostname;
  } finally {
    client.destroy();
  }
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

function origin(url: string, host: string, port: number, service: Service, region: string): URL {
  if (url) return new URL(url);
  const h = host || regionalHost(service, region);
  return new URL(`https://${h}:${port}`);
}
