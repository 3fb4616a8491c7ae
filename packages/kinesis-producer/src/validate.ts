// Checks of each record at the call site, so a bad record fails alone and at once.
import { ValidationError } from './errors.js';
import type { UserRecord } from './types.js';

const MAX_HASH_KEY = 2n ** 128n - 1n;
const DIGITS = /^\d+$/;

export interface CheckedRecord {
  streamName: string;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
}

export function checkRecord(r: UserRecord, maxDataBytes: number): CheckedRecord {
  const { streamName, partitionKey, data, explicitHashKey } = r;
  if (typeof streamName !== 'string' || streamName.trim() === '') {
    throw new ValidationError('streamName', streamName, 'a non-empty string is required');
  }
  if (typeof partitionKey !== 'string') {
    throw new ValidationError(
      'partitionKey',
      partitionKey,
      'a string of 1 to 256 UTF-16 code units is required',
    );
  }
  // Kinesis (and the KPL) count UTF-16 code units: a character outside the Basic Multilingual
  // Plane, such as an emoji, counts twice. Counting code points would let through keys the
  // service refuses, and with them the whole request they travel in.
  const length = partitionKey.length;
  if (length < 1 || length > 256) {
    throw new ValidationError(
      'partitionKey',
      partitionKey,
      `a string of 1 to 256 UTF-16 code units is required (it has ${length}; characters outside the Basic Multilingual Plane count as 2)`,
    );
  }
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) bytes = data;
  else if (data === undefined || data === null) bytes = new Uint8Array(0);
  else throw new ValidationError('data', data, 'a Uint8Array (or Buffer) or a string is required');
  if (bytes.byteLength > maxDataBytes) {
    throw new ValidationError(
      'data',
      bytes,
      `at most ${maxDataBytes} bytes are allowed (maxUserRecordSize)`,
    );
  }
  let ehk: string | undefined;
  if (explicitHashKey !== undefined && explicitHashKey !== null) {
    const text = typeof explicitHashKey === 'string' ? explicitHashKey.trim() : explicitHashKey;
    if (typeof text !== 'string' || !DIGITS.test(text) || BigInt(text) > MAX_HASH_KEY) {
      throw new ValidationError(
        'explicitHashKey',
        explicitHashKey,
        'a decimal integer from 0 to 2^128-1 (340282366920938463463374607431768211455) is required',
      );
    }
    // Normalized as the KPL does ("007" → "7"), so equal keys share an aggregation table entry.
    ehk = text.length > 1 && text[0] === '0' ? BigInt(text).toString() : text;
  }
  return { streamName: streamName.trim(), partitionKey, explicitHashKey: ehk, data: bytes };
}
