// A shard's hash-key range, as a consumer passes it to deaggregate(). Accepted as the SDK's
// ListShards/DescribeStream shape (`shard.HashKeyRange`, decimal strings) or as our own
// (bigint or decimal text), so a consumer never converts by hand.
import { AggregationArgumentError } from './argument-error.js';
import { MAX_HASH_KEY, parseExplicitHashKey } from './hash-key.js';

/** A shard's hash-key range, both ends included. */
export type HashKeyRange =
  | { startingHashKey: bigint | string; endingHashKey: bigint | string }
  // The SDK types both ends as possibly undefined; they are checked when used.
  | { StartingHashKey: string | undefined; EndingHashKey: string | undefined };

export interface ParsedHashKeyRange {
  start: bigint;
  end: bigint;
}

const ALLOWED = 'an integer from 0 to 2^128 - 1, as a bigint or decimal text';

function parseEnd(field: string, value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= MAX_HASH_KEY) return value;
  } else if (typeof value === 'string') {
    const parsed = parseExplicitHashKey(value);
    if (parsed !== undefined) return parsed;
  }
  throw new AggregationArgumentError(field, value, ALLOWED);
}

/** Checks a range given by a caller; throws AggregationArgumentError naming the bad end. */
export function parseHashKeyRange(range: HashKeyRange): ParsedHashKeyRange {
  if (typeof range !== 'object' || range === null) {
    throw new AggregationArgumentError(
      'hashKeyRange',
      range,
      'an object with startingHashKey and endingHashKey (or the SDK’s StartingHashKey and EndingHashKey)',
    );
  }
  const sdk = 'StartingHashKey' in range;
  const start = parseEnd(
    sdk ? 'hashKeyRange.StartingHashKey' : 'hashKeyRange.startingHashKey',
    sdk ? range.StartingHashKey : (range as { startingHashKey: unknown }).startingHashKey,
  );
  const endField = sdk ? 'hashKeyRange.EndingHashKey' : 'hashKeyRange.endingHashKey';
  const end = parseEnd(
    endField,
    sdk
      ? (range as { EndingHashKey: unknown }).EndingHashKey
      : (range as { endingHashKey: unknown }).endingHashKey,
  );
  if (end < start) {
    throw new AggregationArgumentError(endField, end, `at least the starting hash key ${start}`);
  }
  return { start, end };
}
