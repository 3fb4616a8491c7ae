// Where the region comes from when the options do not give it: the environment at once, or the
// AWS SDK's region chain (the shared config and credentials files, then EC2 instance metadata),
// which needs file or network reads and so answers later.
import type { Configuration } from '@kinesis-producer/protocol';

export type RegionSource = () => Promise<string | undefined>;

/** The SDK's own chain, loaded on first use so producers with a region never pay for it. */
export const sdkRegionChain: RegionSource = async () => {
  const { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS } = await import(
    '@smithy/core/config'
  );
  try {
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  } catch {
    // "Region is missing": the daemon then stops with an error that says what to set.
    return undefined;
  }
};

/**
 * The region to use, synchronously when the options or the environment have it (AWS_REGION, as
 * the SDK reads it, or AWS_DEFAULT_REGION, as the AWS CLI does), otherwise from `chain`. Resolves
 * to '' when nothing knows a region.
 */
export function resolveRegion(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  chain: RegionSource = sdkRegionChain,
): string | Promise<string> {
  const known = configured || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (known) return known;
  return chain().then(
    (r) => r ?? '',
    () => '',
  );
}

/**
 * The configuration with its region filled in: the same object when the region is known now, a
 * promise of it when the region chain has to be asked (the channel then holds every frame).
 */
export function withRegion(
  configuration: Configuration,
  env: NodeJS.ProcessEnv = process.env,
  chain: RegionSource = sdkRegionChain,
): Configuration | Promise<Configuration> {
  const region = resolveRegion(configuration.region || undefined, env, chain);
  if (typeof region === 'string') {
    configuration.region = region;
    return configuration;
  }
  return region.then((r) => {
    configuration.region = r;
    return configuration;
  });
}
