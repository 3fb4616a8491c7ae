// When to try again: one classifier of Kinesis outcomes. How long to wait is the producer's one
// backoff, backoffDelay in @kinesis-producer/transport.

/**
 * - throttled: the shard or the account is over a limit; slow down and retry.
 * - server, transport: a passing fault; retry.
 * - fatal: no retry fixes it by itself (no such stream, access denied, credentials refused, a KMS
 *   key unusable): a few attempts leave room for a credentials refresh, then the record fails.
 * - client: anything else the service refused; retried until the TTL, as the KPL does.
 */
export type ErrorClass = 'throttled' | 'server' | 'transport' | 'fatal' | 'client';

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

const FATAL = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSAccessDeniedException',
  'KMSInvalidStateException',
  'KMSOptInRequired',
]);

/**
 * Credentials the service does not accept. A signature off only by the clock is corrected and
 * retried before it gets here (see put-records-client.ts).
 */
const CREDENTIALS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
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

/** A validation error about the stream the request names rather than about one of its entries. */
const ABOUT_THE_STREAM = /\bstream ?(name|arn|id)\b|'stream(name|arn)'/i;

/** How many attempts in a row may end in a fatal error before the record fails. */
export const FATAL_ATTEMPTS = 3;
/** The least wait between those attempts: time for refreshed credentials to arrive. */
export const FATAL_RETRY_DELAY_MS = 1000;

export function credentialsRefused(code: string): boolean {
  return CREDENTIALS.has(code);
}

export function refusesAnEntry(code: string, message = ''): boolean {
  return ENTRY_INVALID.has(code) && !ABOUT_THE_STREAM.test(message);
}

export function classify(code: string, status = 0, message = ''): ErrorClass {
  if (THROTTLED.has(code)) return 'throttled';
  if (FATAL.has(code) || CREDENTIALS.has(code)) return 'fatal';
  if (ENTRY_INVALID.has(code) && ABOUT_THE_STREAM.test(message)) return 'fatal';
  if (TRANSPORT.has(code)) return 'transport';
  if (status >= 500 || code === 'InternalFailure' || code === 'ServiceUnavailable') return 'server';
  return 'client';
}
