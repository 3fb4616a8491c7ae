// What the two front ends (the wrapper and the standalone CLI) share: the one option table and
// its checks, the resolution of options into the daemon's Configuration and the wrapper's
// settings, the .properties loader, region resolution, the checks of each record a user hands
// in, the credentials pusher, and the errors these raise. The wrapper re-exports what
// is public; the daemon reads its configuration ranges from the same rows.
export {
  type CredentialIdentity,
  type CredentialsOption,
  type CredentialsProvider,
  isCredentialsOption,
  isIdentity,
} from './credentials-option.js';
export {
  CredentialsPusher,
  toProvider,
} from './credentials-pusher.js';
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
export {
  type CheckedRecord,
  checkedData,
  checkedExplicitHashKey,
  checkedPartitionKey,
  checkedStreamName,
  checkRecord,
  type Schema,
  type UserRecord,
  ValidationError,
} from './record-checks.js';
export { type RegionSource, resolveRegion, sdkRegionChain, withRegion } from './region.js';
export { type Clock, systemClock } from './scheduler-clock.js';
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
