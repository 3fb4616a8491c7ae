import { describe, expect, test } from '@jest/globals';
import { checkedStreamName, ValidationError } from './record-checks.js';

const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';

describe('checkedStreamName', () => {
  test('takes a name or an ARN, trimmed', () => {
    expect(checkedStreamName(' orders ')).toBe('orders');
    expect(checkedStreamName(` ${ARN}\n`, 'us-east-1')).toBe(ARN);
  });

  test('an ARN checked for one region is checked again for another', () => {
    expect(checkedStreamName(ARN, 'us-east-1')).toBe(ARN);
    // The same string again, the common case, now for a producer of another region.
    expect(() => checkedStreamName(ARN, 'eu-west-1')).toThrow(
      /stream ARN is in region us-east-1 but this producer sends to eu-west-1/,
    );
    expect(checkedStreamName(ARN, '')).toBe(ARN);
  });

  test.each([
    ['', /a non-empty string \(a stream name or ARN\) is required/],
    [42, /a non-empty string \(a stream name or ARN\) is required/],
    ['arn:aws:kinesis:us-east-1:123456789012:orders', /must have the form arn:<partition>/],
  ])('refuses %p with a ValidationError naming streamName', (value, why) => {
    let err: unknown;
    try {
      checkedStreamName(value, 'us-east-1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('streamName');
    expect((err as Error).message).toMatch(why);
  });
});
