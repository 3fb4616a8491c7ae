// PutMetricData through the SDK, over HTTP/1.1 keep-alive, signed with the metrics credentials
// (the Kinesis ones until the wrapper has pushed any for metrics).
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DaemonConfig } from '../config.js';
import type { Credentials, CredentialsHolder } from '../credentials.js';
import { cloudwatchOrigin } from '../endpoint.js';
import type { Datum } from './upload-data.js';

export interface PutMetricData {
  send(namespace: string, data: Datum[]): Promise<void>;
  destroy(): void;
}

export function createCloudWatchClient(
  c: DaemonConfig,
  metrics: CredentialsHolder,
  kinesis: CredentialsHolder,
  userAgent: string,
): PutMetricData {
  const client = new CloudWatchClient({
    region: c.region,
    endpoint: cloudwatchOrigin(c).href,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: c.connectTimeout,
      requestTimeout: c.requestTimeout,
      throwOnRequestTimeout: true,
      httpsAgent: new Agent({
        keepAlive: true,
        maxSockets: 2,
        rejectUnauthorized: c.verifyCertificate,
        ca: c.caCertPath ? readFileSync(c.caCertPath) : undefined,
      }),
    }),
    // Expiring at once makes the SDK ask again on every call, so rotations apply immediately.
    credentials: async () => ({ ...(await metricsOrKinesis(metrics, kinesis)), expiration: new Date(0) }),
    // The uploader retries with its own backoff; the SDK's retries would multiply with it.
    maxAttempts: 1,
    customUserAgent: userAgent,
  });
  return {
    async send(namespace, data) {
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    },
    destroy: () => client.destroy(),
  };
}

function metricsOrKinesis(
  metrics: CredentialsHolder,
  kinesis: CredentialsHolder,
): Promise<Credentials> {
  const m = metrics.current;
  return m ? Promise.resolve(m) : kinesis.get();
}
