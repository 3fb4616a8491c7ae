// The Glue client of the schema registry, built on first use: the SDK is loaded only by producers
// that send records with a schema.
import type { GlueClient } from '@aws-sdk/client-glue';
import { type CredentialsOption, toProvider } from '../credentials.js';
import { resolveRegion } from '../region.js';
import type { SchemaRegistrySettings } from './settings.js';

// The KPL's connectTimeout and requestTimeout defaults; Glue calls are rare and small.
const CONNECT_TIMEOUT_MS = 6_000;
const REQUEST_TIMEOUT_MS = 6_000;

export interface ProducerDefaults {
  /** The producer's `region` option, when given. */
  region?: string;
  /** The producer's `credentials` option, when given. */
  credentials?: CredentialsOption;
}

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
  const [{ GlueClient }, { NodeHttpHandler }] = await Promise.all([
    import('@aws-sdk/client-glue'),
    import('@smithy/node-http-handler'),
  ]);
  return new GlueClient({
    region,
    endpoint: s.endpoint,
    // HTTP/1.1 with keep-alive; idle sockets do not hold the process open.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
    // Asked on every call, so a rotated key applies at once; the user's provider (or the SDK's
    // chain) does its own caching.
    credentials: async () => ({ ...(await (await provider)()), expiration: new Date(0) }),
  });
}
