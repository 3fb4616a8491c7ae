import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// The SDK prints a Node 20 deprecation warning on every client construction unless this is set.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

/**
 * A KinesisClient for a local endpoint. HTTP/1.1 is required: the SDK's default HTTP/2 handler
 * fails against the emulators and node:http servers.
 */
export function localKinesisClient(
  endpoint: string,
  opts: {
    maxAttempts?: number;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    region?: string;
    /** Per-request socket timeout; default none. */
    requestTimeoutMs?: number;
  } = {},
): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: opts.region ?? TEST_REGION,
    credentials: opts.credentials ?? TEST_CREDENTIALS,
    requestHandler: new NodeHttpHandler({
      requestTimeout: opts.requestTimeoutMs,
      // Without this a timeout is only logged as a warning.
      throwOnRequestTimeout: opts.requestTimeoutMs !== undefined,
    }),
    maxAttempts: opts.maxAttempts ?? 3,
  });
}
