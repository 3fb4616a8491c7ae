import { describe, expect, test } from '@jest/globals';
import { isStreamArn, parseStreamArn, streamArnProblem, streamNameOf } from './stream-arn.js';

describe('stream ARNs', () => {
  test.each([
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders', 'aws', 'us-east-1', 'orders'],
    [
      'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a.b_c-1',
      'aws-cn',
      'cn-north-1',
      'a.b_c-1',
    ],
    [
      'arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/s',
      'aws-us-gov',
      'us-gov-west-1',
      's',
    ],
    [
      'arn:aws-iso-b:kinesis:us-isob-east-1:123456789012:stream/s',
      'aws-iso-b',
      'us-isob-east-1',
      's',
    ],
  ])('%s is parsed', (arn, partition, region, name) => {
    expect(isStreamArn(arn)).toBe(true);
    expect(parseStreamArn(arn)).toEqual({ partition, region, account: '123456789012', name });
    expect(streamNameOf(arn)).toBe(name);
    expect(streamArnProblem(arn, region)).toBeUndefined();
    expect(streamArnProblem(arn, '')).toBeUndefined();
  });

  test.each([
    'arn:aws:kinesis:us-east-1:123456789012:stream/',
    'arn:aws:kinesis:us-east-1:12345678901:stream/s',
    'arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1',
    'arn:aws:s3:us-east-1:123456789012:stream/s',
    'arn:aws:kinesis::123456789012:stream/s',
    'arn:other:kinesis:us-east-1:123456789012:stream/s',
    'arn:aws:kinesis:us-east-1:123456789012:table/s',
    `arn:aws:kinesis:us-east-1:123456789012:stream/${'x'.repeat(129)}`,
    'arn:aws:kinesis:us-east-1:123456789012:stream/with space',
  ])('%s is refused with the form it must have', (arn) => {
    expect(parseStreamArn(arn)).toBeUndefined();
    expect(streamArnProblem(arn, 'us-east-1')).toMatch(
      /arn:<partition>:kinesis:<region>:<12-digit account id>:stream\/<name>/,
    );
  });

  test('an ARN of another region than the producer is refused, naming both', () => {
    expect(streamArnProblem('arn:aws:kinesis:eu-west-1:123456789012:stream/s', 'us-east-1')).toBe(
      'the stream ARN is in region eu-west-1 but this producer sends to us-east-1; use a producer configured with region eu-west-1',
    );
  });

  test('a name is a name', () => {
    expect(isStreamArn('orders')).toBe(false);
    expect(streamNameOf('orders')).toBe('orders');
  });
});
