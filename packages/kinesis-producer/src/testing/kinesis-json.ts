// Just enough of the Kinesis JSON protocol to create streams and read them back from a local
// emulator, so the testing entry needs no AWS SDK client. The emulator checks that a request
// looks signed, not the signature, so a fixed well-formed Authorization header is enough.
import { KinesisProducerError } from '../errors.js';

/** A call to the embedded emulator failed. */
export class TestKinesisError extends KinesisProducerError {
  constructor(
    readonly operation: string,
    readonly errorType: string,
    message: string,
  ) {
    super(
      'ERR_TEST_KINESIS',
      `${operation} on the embedded Kinesis failed: ${errorType}: ${message}`,
    );
  }
}

export class KinesisJsonClient {
  constructor(
    private readonly endpoint: string,
    private readonly region: string,
  ) {}

  async call<T>(operation: string, input: Record<string, unknown>): Promise<T> {
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Kinesis_20131202.${operation}`,
        'x-amz-date': date,
        authorization: `AWS4-HMAC-SHA256 Credential=test/${date.slice(0, 8)}/${this.region}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const type = String(body.__type ?? response.status)
        .split('#')
        .pop()!;
      throw new TestKinesisError(operation, type, String(body.message ?? text));
    }
    return body as T;
  }
}
