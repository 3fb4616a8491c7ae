// The `schemaRegistry` option: where the Glue Schema Registry is and how records are encoded for
// it. One object, checked field by field so an error names the field (schemaRegistry.compression).
import { type CredentialsOption, isCredentialsOption } from './credentials-option.js';
import { isHostName, urlOrigin } from './endpoint-option.js';
import { InvalidOptionError } from './option-errors.js';

/** Glue's schema compatibility modes, used when auto-registration creates a schema. */
export type SchemaCompatibility =
  | 'NONE'
  | 'DISABLED'
  | 'BACKWARD'
  | 'BACKWARD_ALL'
  | 'FORWARD'
  | 'FORWARD_ALL'
  | 'FULL'
  | 'FULL_ALL';

export interface SchemaRegistryOptions {
  /** The registry holding the schemas; default 'default-registry' (the GSR library's). */
  registryName?: string;
  /** Create the schema, or register a new version of it, when Glue does not know the definition. */
  autoRegistration?: boolean;
  /** Compress the payload (zlib) behind the GSR header; default 'none'. */
  compression?: 'none' | 'zlib';
  /** Compatibility mode of schemas created by auto-registration; default 'BACKWARD'. */
  compatibility?: SchemaCompatibility;
  /** Glue host (HTTPS on 443) or a full http(s) URL; default: the region's Glue endpoint. */
  endpoint?: string;
  /** Region of the registry; default: the producer's region. */
  region?: string;
  /** Credentials for Glue; default: the producer's `credentials` (or the SDK's chain). */
  credentials?: CredentialsOption;
}

export interface SchemaRegistrySettings {
  registryName: string;
  autoRegistration: boolean;
  compression: 'none' | 'zlib';
  compatibility: SchemaCompatibility;
  /** An origin URL (https://host for a host-only endpoint); undefined: the SDK's default. */
  endpoint?: string;
  region?: string;
  credentials?: CredentialsOption;
}

export const DEFAULT_REGISTRY_NAME = 'default-registry';

export const SCHEMA_REGISTRY_ALLOWED =
  'an object with any of registryName, autoRegistration, compression, compatibility, endpoint, region, credentials';

const COMPATIBILITIES: readonly SchemaCompatibility[] = [
  'NONE',
  'DISABLED',
  'BACKWARD',
  'BACKWARD_ALL',
  'FORWARD',
  'FORWARD_ALL',
  'FULL',
  'FULL_ALL',
];
// Glue's pattern and length for registry and schema names.
export const GLUE_NAME = /^[a-zA-Z0-9\-_$#.]{1,255}$/;
const REGION = /^[a-z0-9-]+$/;

export function defaultSchemaRegistrySettings(): SchemaRegistrySettings {
  return {
    registryName: DEFAULT_REGISTRY_NAME,
    autoRegistration: false,
    compression: 'none',
    compatibility: 'BACKWARD',
  };
}

/**
 * The validated, defaulted settings of a `schemaRegistry` option; undefined when it is not an
 * object. A wrong field throws InvalidOptionError naming `schemaRegistry.<field>`.
 */
export function acceptSchemaRegistry(value: unknown): SchemaRegistrySettings | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const s = defaultSchemaRegistrySettings();
  const bad = (field: string, allowed: string) =>
    new InvalidOptionError(`schemaRegistry.${field}`, v[field], allowed, {
      secret: field === 'credentials',
    });
  for (const [key, field] of Object.entries(v)) {
    if (field === undefined) continue;
    switch (key) {
      case 'registryName':
        if (typeof field !== 'string' || !GLUE_NAME.test(field)) {
          throw bad(key, 'a string of 1 to 255 letters, digits or - _ $ # .');
        }
        s.registryName = field;
        break;
      case 'autoRegistration':
        if (typeof field !== 'boolean') throw bad(key, 'true or false');
        s.autoRegistration = field;
        break;
      case 'compression':
        if (field !== 'none' && field !== 'zlib') throw bad(key, "'none' or 'zlib'");
        s.compression = field;
        break;
      case 'compatibility':
        if (!COMPATIBILITIES.includes(field as SchemaCompatibility)) {
          throw bad(key, `one of ${COMPATIBILITIES.join(', ')}`);
        }
        s.compatibility = field as SchemaCompatibility;
        break;
      case 'endpoint': {
        const origin = endpointOrigin(field);
        if (origin === undefined) {
          throw bad(key, 'a host name, or an http:// or https:// URL with no path');
        }
        s.endpoint = origin;
        break;
      }
      case 'region':
        if (typeof field !== 'string' || !REGION.test(field)) {
          throw bad(key, 'a region name such as eu-west-1');
        }
        s.region = field;
        break;
      case 'credentials':
        if (!isCredentialsOption(field)) {
          throw bad(
            key,
            'an object with string accessKeyId and secretAccessKey, or a function returning a Promise of one',
          );
        }
        s.credentials = field;
        break;
      default:
        throw new InvalidOptionError(
          `schemaRegistry.${key}`,
          field,
          `not a field of schemaRegistry (${SCHEMA_REGISTRY_ALLOWED.replace('an object with any of ', '')})`,
          { secret: true },
        );
    }
  }
  return s;
}

function endpointOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // A host alone is HTTPS on 443, as the endpoint options of the KPL take it.
  return isHostName(value) ? `https://${value}` : urlOrigin(value);
}
