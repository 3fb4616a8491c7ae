// What the wrapper and the daemon agree on besides the messages themselves: how the daemon's
// process ends, the codes of its FatalError frame, and the error codes the daemon gives to a
// record's attempts. Both sides import these; neither keeps a copy.

/**
 * The daemon's exit codes. The wrapper restarts a daemon that ended with any code but `config`:
 * a configuration the daemon refuses is refused again by every new daemon.
 */
export const ExitCode = {
  /** stdin closed: the wrapper is done with the daemon. */
  done: 0,
  /** The configuration is unusable (no region, a value out of range). */
  config: 1,
  /** The input cannot be trusted: an oversized, truncated or undecodable frame. */
  protocol: 3,
  /** A bug of ours. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `code` of the FatalError frame a daemon writes before it exits on an error. */
export const FatalCode = {
  config: 'CONFIG',
  protocol: 'PROTOCOL',
  internal: 'INTERNAL',
} as const;
export type FatalCode = (typeof FatalCode)[keyof typeof FatalCode];

/**
 * Error codes the daemon itself gives to a record's attempts, next to the codes Kinesis returns
 * (ProvisionedThroughputExceededException, InternalFailure...). Every code of a record that
 * expired starts with `Expired`.
 */
export const RecordErrorCode = {
  /** The record's TTL passed before it was sent even once. */
  expiredBeforeSend: 'ExpiredBeforeSend',
  /** The record's TTL passed while it waited to be sent again. */
  expiredAfterRetries: 'ExpiredAfterRetries',
  /** The record's TTL passed while the shard's rate limit held it. */
  expiredWaitingForRateLimit: 'ExpiredWaitingForRateLimit',
  /** The record's TTL passed while no credentials had arrived. */
  expiredWaitingForCredentials: 'ExpiredWaitingForCredentials',
  /** The record's aggregate landed on a shard that does not hold every member (sent again). */
  wrongShard: 'WrongShard',
  /**
   * The record was stored on a shard whose hash-key range no listing named before its TTL, so
   * whether a KCL consumer keeps it there cannot be told (the record fails).
   */
  shardRangeUnknown: 'ShardRangeUnknown',
  /** Handling the record, its request or its answer raised an error inside the daemon. */
  daemonInternalError: 'DaemonInternalError',
  /** Kinesis answered a request with a different number of entries than it held. */
  recordCountMismatch: 'RecordCountMismatch',
  /** The daemon refused the record itself (a key or size out of bounds). */
  invalidRecord: 'InvalidRecord',
  /** The daemon refused the record itself: larger than a Kinesis record may be. */
  recordTooLarge: 'RecordTooLarge',
  /** Not an attempt: the one entry standing for the attempts a record did not keep. */
  attemptsOmitted: 'AttemptsOmitted',
  /** A PutRecords answer larger than any Kinesis gives; it is not read whole. */
  responseTooLarge: 'ResponseTooLarge',
  /** A PutRecords answer that does not parse. */
  malformedResponse: 'MalformedResponse',
  /** An error answer that names no code. */
  unknownError: 'UnknownError',
  /** No answer (headers or body) in time. */
  requestTimeout: 'RequestTimeout',
  /** No connection in time. */
  connectTimeout: 'ConnectTimeout',
  /** Any other failure of the connection. */
  networkingError: 'NetworkingError',
} as const;
export type RecordErrorCode = (typeof RecordErrorCode)[keyof typeof RecordErrorCode];

/** Whether an attempt's code means the record ran out of time (any of the Expired… codes). */
export function isExpiredCode(code: string | undefined): boolean {
  return code?.startsWith('Expired') === true;
}
