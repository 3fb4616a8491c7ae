/**
 * A caller passed something this package cannot use. `code` is stable (the producer's
 * ValidationError uses the same one); the message names the field, what it got and what is
 * allowed. This package stands alone, so it cannot extend the producer's base error.
 */
export class AggregationArgumentError extends TypeError {
  readonly code = 'ERR_INVALID_ARGUMENT';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid ${field}: got ${describe(value)}; ${allowed}.`);
    this.name = 'AggregationArgumentError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
