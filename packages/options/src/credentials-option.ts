// What the `credentials` and `metricsCredentials` options accept: a fixed identity or a function
// that gives one. Only the shape is checked here; resolving and pushing them is the wrapper's.

export interface CredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<CredentialIdentity>;
export type CredentialsOption = CredentialIdentity | CredentialsProvider;

export function isIdentity(c: unknown): c is CredentialIdentity {
  return typeof c === 'object' && c !== null && 'accessKeyId' in c;
}

/** An identity with both keys as strings, or a provider function: what the options accept. */
export function isCredentialsOption(value: unknown): value is CredentialsOption {
  if (typeof value === 'function') return true;
  if (!isIdentity(value)) return false;
  return typeof value.accessKeyId === 'string' && typeof value.secretAccessKey === 'string';
}
