// The daemon's metrics: the tree every pipeline records into, the 200 ms sampling of the
// outstanding counts, the answers to getMetrics, and the CloudWatch uploads.
import type { MetricsRequest, MetricsResponse } from '@kinesis-producer/protocol';
import { now } from '../clock.js';
import type { DaemonConfig } from '../config.js';
import type { CredentialsHolder } from '../credentials-holder.js';
import { createCloudWatchClient, type PutMetricData } from './cloudwatch-client.js';
import { CloudWatchUploader } from './cloudwatch-uploader.js';
import type { Granularity, MetricsLevel } from './metric-names.js';
import { queryMetrics } from './metrics-query.js';
import { type Dimension, type ExtraDimensions, MetricsRegistry } from './metrics-registry.js';
import { StreamMetrics } from './stream-metrics.js';

const PENDING_SAMPLE_MS = 200;

export interface MetricsCredentials {
  metrics: CredentialsHolder;
  kinesis: CredentialsHolder;
}

export class Metrics {
  readonly registry: MetricsRegistry;
  readonly uploader: CloudWatchUploader | undefined;
  private readonly streams = new Map<string, StreamMetrics>();
  private readonly pendingTimer: NodeJS.Timeout;

  /** `client` replaces the SDK client (tests); without credentials nothing is uploaded. */
  constructor(
    c: DaemonConfig,
    credentials: MetricsCredentials | undefined,
    userAgent: string,
    client?: PutMetricData,
  ) {
    this.registry = new MetricsRegistry(extraDimensions(c.additionalDimensions));
    const level = c.metricsLevel as MetricsLevel;
    if (level !== 'none' && (client || credentials)) {
      this.uploader = new CloudWatchUploader(
        this.registry,
        {
          namespace: c.metricsNamespace,
          delay: c.metricsUploadDelay,
          level,
          granularity: c.metricsGranularity as Granularity,
        },
        client ?? createCloudWatchClient(c, credentials!.metrics, credentials!.kinesis, userAgent),
      );
    }
    this.pendingTimer = setInterval(() => {
      const t = now();
      for (const s of this.streams.values()) s.samplePending(t);
    }, PENDING_SAMPLE_MS);
    this.pendingTimer.unref();
  }

  /** The emission points of one stream, made once per stream. */
  stream(name: string): StreamMetrics {
    let s = this.streams.get(name);
    if (!s) {
      s = new StreamMetrics(this.registry, name);
      this.streams.set(name, s);
    }
    return s;
  }

  query(req: MetricsRequest): MetricsResponse {
    return queryMetrics(this.registry, req, now());
  }

  close(): void {
    clearInterval(this.pendingTimer);
    this.uploader?.close();
  }
}

function extraDimensions(dims: DaemonConfig['additionalDimensions']): ExtraDimensions {
  const pick = (g: string): Dimension[] =>
    dims.filter((d) => d.granularity === g).map((d) => [d.key, d.value] as const);
  return { global: pick('global'), stream: pick('stream'), shard: pick('shard') };
}
