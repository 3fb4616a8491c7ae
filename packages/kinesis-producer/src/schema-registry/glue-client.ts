// The Glue client of the schema registry, built on first use: the SDK is loaded only by producers
// that send records with a schema. It connects as the daemon does (verifyCertificate,
// caCertPath, the proxy options), through the same transport.
import type { GlueClient } from '@aws-sdk/client-glue';
import type { CredentialsOption } from '@kinesis-producer/options';
import { resolveRegion, type SchemaRegistrySettings, toProvider } from '@kinesis-producer/options';
import type { TransportSettings } from '@kinesis-producer/transport';
import { loadGlueSdk } from './glue-sdk.js';

// Glue calls are rare and small: a few connections, and the KPL's request timeout.
const MAX_CONNECTIONS = 4;
const REQUEST_TIMEOUT_MS = 6_000;

export interface ProducerDefaults {
  /** The producer's `region` option, when given. */
  region?: string;
  /** The producer's `credentials` option, when given. */
  credentials?: CredentialsOption;
  /** The producer's TLS and proxy options; Node's defaults when absent. */
  transport?: TransportSettings;
}

// The KPL's defaults, for callers that give no producer options.
const DEFAULT_TRANSPORT: TransportSettings = {
  verifyCertificate: true,
  proxyPort: 443,
  maxConnections: 24,
  connectTimeout: 6_000,
};

export async function createGlueClient(
  s: SchemaRegistrySettings,
  producer: ProducerDefaults,
): Promise<GlueClient> {
  const region = s.region ?? (await resolveRegion(producer.region));
  if (!region) {
    throw new Error(
      'no region for the Glue Schema Registry: set schemaRegistry.region or region, or AWS_REGION',
    );
  }
  const provider = toProvider(s.credentials ?? producer.credentials);
  const [{ GlueClient }, { createDispatcher, createSdkHttpHandler }] = await Promise.all([
    loadGlueSdk(),
    import('@kinesis-producer/transport'),
  ]);
  const transport = producer.transport ?? DEFAULT_TRANSPORT;
  return new GlueClient({
    region,
    endpoint: s.endpoint,
    // HTTP/1.1 with keep-alive through undici, connecting as the daemon does.
    requestHandler: createSdkHttpHandler(
      createDispatcher({
        ...transport,
        maxConnections: Math.min(MAX_CONNECTIONS, transport.maxConnections),
      }),
      REQUEST_TIMEOUT_MS,
    ),
    // Asked on every call, so a rotated key applies at once; the user's provider (or the SDK's
    // chain) does its own caching.
    credentials: async () => ({ ...(await (await provider)()), expiration: new Date(0) }),
  });
}
