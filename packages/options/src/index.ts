// The options both processes' front ends share: the one option table and its checks, the
// resolution of options into the daemon's Configuration and the wrapper's settings, the
// .properties loader, region resolution, and the errors these raise. The wrapper re-exports what
// is public; the daemon reads its configuration ranges from the same rows.
export {
  type CredentialIdentity,
  type CredentialsOption,
  type CredentialsProvider,
  isCredentialsOption,
  isIdentity,
} from './credentials-option.js';
export { isHostName, urlOrigin } from './endpoint-option.js';
export { describeValue, InvalidOptionError, KinesisProducerError } from './option-errors.js';
export {
  type ConfigInit,
  checkStreamArnRegions,
  HOST_PATTERN,
  I64_MAX,
  SAFE_MAX,
  TIMER_MAX,
} from './option-row.js';
export {
  type Destination,
  describeAllowed,
  describeDefault,
  describeDestination,
  findOption,
  type KinesisProducerOptions,
  type Logger,
  type MetricsDimension,
  OPTION_TABLE,
  type OptionName,
  type OptionRow,
  type OptionType,
  type ResolvedOptions,
  resolveOptions,
  suggestOption,
  validateOption,
  type WrapperOptionName,
  type WrapperSettings,
} from './options.js';
export {
  loadPropertiesFile,
  optionsFromProperties,
  type PropertiesOptions,
  parseProperties,
} from './properties.js';
export { type RegionSource, resolveRegion, sdkRegionChain, withRegion } from './region.js';
export {
  acceptSchemaRegistry,
  DEFAULT_REGISTRY_NAME,
  defaultSchemaRegistrySettings,
  GLUE_NAME,
  SCHEMA_REGISTRY_ALLOWED,
  type SchemaCompatibility,
  type SchemaRegistryOptions,
  type SchemaRegistrySettings,
} from './schema-registry-settings.js';
