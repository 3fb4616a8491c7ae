// PutMetricData through the SDK, over HTTP/1.1 keep-alive, signed with the metrics credentials
// (the Kinesis ones until the wrapper has pushed any for metrics).
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createDispatcher, createSdkHttpHandler } from '@kinesis-producer/transport';
import type { DaemonConfig } from '../config.js';
import type { Credentials, CredentialsHolder } from '../credentials-holder.js';
import { cloudwatchOrigin } from '../service-origins.js';
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
  const origin = cloudwatchOrigin(c);
  const client = new CloudWatchClient({
    region: c.region,
    endpoint: origin.href,
    // The same TLS (verifyCertificate, caCertPath file or directory) and proxy as Kinesis.
    requestHandler: createSdkHttpHandler(createDispatcher(c, origin), c.requestTimeout),
    // Expiring at once makes the SDK ask again on every call, so rotations apply immediately.
    credentials: async () => ({
      ...(await metricsOrKinesis(metrics, kinesis)),
      expiration: new Date(0),
    }),
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
