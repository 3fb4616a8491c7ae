import { expect, test } from '@jest/globals';
import { backoffDelay } from '@kinesis-producer/transport';
import { classify, credentialsRefused, refusesAnEntry } from './retry-policy.js';

test('classifies Kinesis outcomes', () => {
  expect(classify('ProvisionedThroughputExceededException')).toBe('throttled');
  expect(classify('KMSThrottlingException')).toBe('throttled');
  expect(classify('InternalFailure')).toBe('server');
  expect(classify('Whatever', 503)).toBe('server');
  expect(classify('RequestTimeout')).toBe('transport');
  expect(classify('SomethingNew', 400)).toBe('client');
});

test('errors no retry fixes by itself are fatal; a validation error is so only about the stream', () => {
  for (const code of [
    'ResourceNotFoundException',
    'AccessDeniedException',
    'ExpiredTokenException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'KMSDisabledException',
    'KMSNotFoundException',
    'KMSAccessDeniedException',
  ]) {
    expect(classify(code, 400)).toBe('fatal');
  }
  const aboutStream =
    "1 validation error detected: Value 'a b' at 'streamName' failed to satisfy constraint";
  expect(classify('ValidationException', 400, aboutStream)).toBe('fatal');
  expect(refusesAnEntry('ValidationException', aboutStream)).toBe(false);
  const aboutEntry = "Value at 'records.1.member.data' failed to satisfy constraint";
  expect(classify('ValidationException', 400, aboutEntry)).toBe('client');
  expect(refusesAnEntry('ValidationException', aboutEntry)).toBe(true);
  expect(credentialsRefused('ExpiredTokenException')).toBe(true);
  expect(credentialsRefused('ResourceNotFoundException')).toBe(false);
});

test('backoff doubles from the base, is capped, and keeps at least half its ceiling', () => {
  const p = { base: 100, max: 5000 };
  expect(backoffDelay(p, 1, () => 0)).toBe(50);
  expect(backoffDelay(p, 1, () => 1)).toBe(100);
  expect(backoffDelay(p, 3, () => 1)).toBe(400);
  expect(backoffDelay(p, 20, () => 1)).toBe(5000);
  expect(backoffDelay(p, 2000, () => 0.5)).toBe(3750);
});
