// When to try again and how long to wait: one classifier of Kinesis outcomes, one backoff.

export type ErrorClass = 'throttled' | 'server' | 'transport' | 'credentials' | 'client';

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

const CREDENTIALS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

const TRANSPORT = new Set([
  'RequestTimeout',
  'ConnectTimeout',
  'NetworkingError',
  'MalformedResponse',
]);

/** Errors a request gets for what one of its entries holds (too large, a bad key...). */
const ENTRY_INVALID = new Set(['ValidationException', 'InvalidArgumentException']);

export function refusesAnEntry(code: string): boolean {
  return ENTRY_INVALID.has(code);
}

export function classify(code: string, status = 0): ErrorClass {
  if (THROTTLED.has(code)) return 'throttled';
  if (CREDENTIALS.has(code)) return 'credentials';
  if (TRANSPORT.has(code)) return 'transport';
  if (status >= 500 || code === 'InternalFailure' || code === 'ServiceUnavailable') return 'server';
  return 'client';
}

export interface BackoffPolicy {
  /** First delay, ms. */
  base: number;
  /** Largest delay, ms. */
  max: number;
}

/**
 * Exponential backoff with jitter: the n-th consecutive failure (n ≥ 1) waits a random time
 * between half and all of min(max, base·2^(n-1)), so a fleet of producers spreads out.
 */
export function backoffDelay(p: BackoffPolicy, failures: number, random = Math.random): number {
  const ceiling = Math.min(p.max, p.base * 2 ** Math.min(failures - 1, 30));
  return ceiling / 2 + (random() * ceiling) / 2;
}
