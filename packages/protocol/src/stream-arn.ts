// A record's stream field holds either a stream name or a stream ARN. A name cannot contain a
// colon, so "arn:" alone tells them apart, and both processes decide the same way without any
// extra field on the wire.

export interface StreamArn {
  partition: string;
  region: string;
  account: string;
  name: string;
}

/** The form a stream ARN must have, for error messages. */
export const STREAM_ARN_FORM =
  'arn:<partition>:kinesis:<region>:<12-digit account id>:stream/<name>';

// Partitions are "aws" or "aws-<word>" (aws-cn, aws-us-gov, aws-iso-b...); regions are
// lower-case words and a number (us-east-1, cn-north-1, us-gov-west-1, eu-isoe-west-1).
const ARN =
  /^arn:(aws(?:-[a-z]+)*):kinesis:([a-z]{2,}(?:-[a-z]+)+-\d+):(\d{12}):stream\/([A-Za-z0-9_.-]{1,128})$/;

export function isStreamArn(stream: string): boolean {
  return stream.startsWith('arn:');
}

export function parseStreamArn(text: string): StreamArn | undefined {
  const m = ARN.exec(text);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, account: m[3]!, name: m[4]! };
}

/**
 * What is wrong with a stream ARN, or undefined when it can be used by a producer in `region`
 * ('' when the region is not known yet). A stream lives in one region and a producer sends to
 * one regional endpoint, signed for that region, so an ARN of another region could never work.
 */
export function streamArnProblem(text: string, region: string): string | undefined {
  const arn = parseStreamArn(text);
  if (!arn) {
    return `a Kinesis stream ARN must have the form ${STREAM_ARN_FORM}, the name 1 to 128 of A-Z a-z 0-9 _ . -`;
  }
  if (region !== '' && arn.region !== region) {
    return `the stream ARN is in region ${arn.region} but this producer sends to ${region}; use a producer configured with region ${arn.region}`;
  }
  return undefined;
}

/**
 * How metrics name a stream: its name, also when it was given by ARN, as the StreamName
 * dimension of Kinesis' own metrics does.
 */
export function streamNameOf(stream: string): string {
  return isStreamArn(stream) ? stream.slice(stream.lastIndexOf('/') + 1) : stream;
}
