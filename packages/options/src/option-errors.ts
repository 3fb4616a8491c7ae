// The base error every kinesis-producer error extends, and the error for a wrong option: shared by
// the wrapper, which checks options where they are given, and the standalone CLI.

export class KinesisProducerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A configuration option was wrong: which option, what it got, what is allowed. The value of a
 * secret option (a password, credentials) or of an unknown one (often a secret put in the wrong
 * place) is neither kept nor repeated: the message gives only its type and length, and `value` is
 * undefined, so logging the error cannot leak it.
 */
export class InvalidOptionError extends KinesisProducerError {
  readonly value: unknown;
  constructor(
    readonly option: string,
    value: unknown,
    readonly allowed: string,
    opts: { secret?: boolean } = {},
  ) {
    const got = opts.secret ? describeShape(value) : describeValue(value);
    super('ERR_INVALID_OPTION', `Invalid option ${option}: got ${got}; ${allowed}.`);
    this.value = opts.secret ? undefined : value;
  }
}

/** What a value is without what it says: for values that may be secrets. */
function describeShape(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/** A value as an error message shows it: short strings quoted, anything longer by its size. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 80 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return String(value);
}
