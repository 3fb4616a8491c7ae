import { expect, test } from '@jest/globals';
import { backoffDelay, classify } from './retry-policy.js';

test('classifies Kinesis outcomes', () => {
  expect(classify('ProvisionedThroughputExceededException')).toBe('throttled');
  expect(classify('KMSThrottlingException')).toBe('throttled');
  expect(classify('InternalFailure')).toBe('server');
  expect(classify('Whatever', 503)).toBe('server');
  expect(classify('ExpiredTokenException')).toBe('credentials');
  expect(classify('RequestTimeout')).toBe('transport');
  expect(classify('ResourceNotFoundException', 400)).toBe('client');
});

test('backoff doubles from the base, is capped, and keeps at least half its ceiling', () => {
  const p = { base: 100, max: 5000 };
  expect(backoffDelay(p, 1, () => 0)).toBe(50);
  expect(backoffDelay(p, 1, () => 1)).toBe(100);
  expect(backoffDelay(p, 3, () => 1)).toBe(400);
  expect(backoffDelay(p, 20, () => 1)).toBe(5000);
  expect(backoffDelay(p, 2000, () => 0.5)).toBe(3750);
});
