import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// Otherwise every client construction on Node 20 prints a deprecation notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const LOCAL_REGION = 'us-east-1';
/** The emulator accepts any credentials; these only have to look like some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * An SDK client for a local emulator. HTTP/1.1 on purpose: the SDK's default HTTP/2 handler gets
 * "Protocol error" from kinesalite.
 */
export function localKinesisClient(endpoint: string, maxAttempts = 3): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
    maxAttempts,
  });
}
