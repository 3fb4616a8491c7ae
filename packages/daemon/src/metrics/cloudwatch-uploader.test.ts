import { createServer } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { FakeCloudWatch } from '../../../../test/support/fake-cloudwatch.js';
import { waitFor } from '../../../../test/support/wait.js';
import { readConfig } from '../config.js';
import { CredentialsHolder } from '../credentials-holder.js';
import { setLogLevel } from '../log.js';
import { createCloudWatchClient } from './cloudwatch-client.js';
import { CloudWatchUploader, type UploaderOptions } from './cloudwatch-uploader.js';
import { MetricsRegistry } from './metrics-registry.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
setLogLevel('error');

const METRICS = { accessKeyId: 'AKIDMETRICS', secretAccessKey: 'metrics-secret' };
const KINESIS = { accessKeyId: 'AKIDKINESIS', secretAccessKey: 'kinesis-secret' };

let fake: FakeCloudWatch;
const open: CloudWatchUploader[] = [];

beforeAll(async () => {
  fake = await FakeCloudWatch.start({ credentials: [METRICS, KINESIS] });
});
afterAll(() => fake.stop());
afterEach(() => {
  for (const u of open.splice(0)) u.close();
  fake.requests.length = 0;
  fake.refused.length = 0;
});

/** A registry and uploader on a clock the test moves; uploads happen when the test says. */
function setup(
  opts: Partial<UploaderOptions> & { endpoint?: string; metricsCreds?: boolean } = {},
) {
  let t = 10_000;
  const clock = () => t;
  const registry = new MetricsRegistry(undefined, clock);
  const c = readConfig(
    create(ConfigurationSchema, {
      region: 'us-east-1',
      cloudwatchEndpointUrl: opts.endpoint ?? fake.endpoint,
      requestTimeout: 2000n,
    }),
  );
  const metrics = new CredentialsHolder();
  const kinesis = new CredentialsHolder();
  if (opts.metricsCreds !== false) metrics.set(METRICS);
  kinesis.set(KINESIS);
  const uploader = new CloudWatchUploader(
    registry,
    {
      namespace: 'Test/NS',
      delay: 60_000,
      level: 'detailed',
      granularity: 'shard',
      backoff: { base: 10, max: 20 },
      ...opts,
    },
    createCloudWatchClient(c, metrics, kinesis, 'kinesis-producer/test'),
    clock,
  );
  open.push(uploader);
  return {
    registry,
    uploader,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('CloudWatchUploader', () => {
  test('sends the complete seconds once, through the SDK, signed with the metrics credentials', async () => {
    const { registry, uploader, advance } = setup();
    registry.find('UserRecordsPut', { stream: 's' }).put(1, 10);
    registry.find('UserRecordsPut', { stream: 's' }).put(0, 10);
    // The current second is not complete yet: nothing goes.
    uploader.upload();
    expect(uploader.queued).toBe(0);
    advance(1000);
    registry.find('UserRecordsPut', { stream: 's' }).put(1, 11);
    uploader.upload();
    await waitFor('an upload', () => fake.requests.length === 1);
    const [req] = fake.requests;
    expect(req!.namespace).toBe('Test/NS');
    expect(req!.accessKeyId).toBe(METRICS.accessKeyId);
    expect(req!.data.map((d) => [d.dimensions, d.sum, d.sampleCount, d.unit])).toEqual([
      [[], 1, 2, 'Count'],
      [[['StreamName', 's']], 1, 2, 'Count'],
    ]);
    expect(Math.abs(req!.data[0]!.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
    // The next upload takes only what came after: the sample of second 11.
    advance(1000);
    uploader.upload();
    await waitFor('a second upload', () => fake.requests.length === 2);
    expect(fake.requests[1]!.data.map((d) => [d.sum, d.sampleCount])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(fake.refused).toEqual([]);
  });

  test('signs with the Kinesis credentials while none were given for metrics', async () => {
    const { registry, uploader, advance } = setup({ metricsCreds: false });
    registry.find('Test').put(1, 10);
    advance(2000);
    uploader.upload();
    await waitFor('an upload', () => fake.requests.length === 1);
    expect(fake.requests[0]!.accessKeyId).toBe(KINESIS.accessKeyId);
  });

  test('retries a failed request with backoff until it goes through', async () => {
    const { registry, uploader, advance } = setup();
    registry.find('Test').put(5, 10);
    advance(2000);
    fake.failNext(2, 500, 'InternalServiceError');
    uploader.upload();
    await waitFor('the upload after two failures', () => fake.requests.length === 1);
    expect(fake.refused.map((r) => r.type)).toEqual([
      'InternalServiceError',
      'InternalServiceError',
    ]);
    expect(fake.requests[0]!.data[0]!.sum).toBe(5);
    // The server has the request before the uploader has its answer.
    await waitFor('the queue to empty', () => uploader.queued === 0);
  });

  test('drops a request after its last try, and sends the next ones', async () => {
    const { registry, uploader, advance } = setup({ maxAttempts: 3 });
    registry.find('Test').put(1, 10);
    advance(2000);
    fake.failNext(3, 503, 'ServiceUnavailable');
    uploader.upload();
    await waitFor(
      'the request to be dropped',
      () => fake.refused.length === 3 && uploader.queued === 0,
    );
    registry.find('Test').put(2, 12);
    advance(1000);
    uploader.upload();
    await waitFor('the next upload', () => fake.requests.length === 1);
    expect(fake.requests[0]!.data[0]!.sum).toBe(2);
    expect(fake.refused).toHaveLength(3);
  });

  test('does not retry a request CloudWatch refuses as invalid', async () => {
    const { registry, uploader, advance } = setup();
    registry.find('Test').put(1, 10);
    advance(2000);
    fake.failNext(1, 400, 'InvalidParameterValue');
    uploader.upload();
    await waitFor('the refusal', () => fake.refused.length === 1 && uploader.queued === 0);
    // Had it been retried, the retry would have been accepted.
    registry.find('Test').put(2, 12);
    advance(1000);
    uploader.upload();
    await waitFor('the next upload', () => fake.requests.length === 1);
    expect(fake.requests[0]!.data[0]!.sum).toBe(2);
  });

  test('an unreachable endpoint costs retries and a log line, never an exception', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const { registry, uploader, advance } = setup({
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 2,
    });
    registry.find('Test').put(1, 10);
    advance(2000);
    uploader.upload();
    expect(uploader.queued).toBe(1);
    await waitFor('the request to be dropped', () => uploader.queued === 0);
  });

  test('uploads on its own every delay, and sends nothing when nothing happened', async () => {
    const registry = new MetricsRegistry();
    const c = readConfig(
      create(ConfigurationSchema, { region: 'us-east-1', cloudwatchEndpointUrl: fake.endpoint }),
    );
    const metrics = new CredentialsHolder();
    metrics.set(METRICS);
    const uploader = new CloudWatchUploader(
      registry,
      { namespace: 'Timed', delay: 100, level: 'summary', granularity: 'global' },
      createCloudWatchClient(c, metrics, new CredentialsHolder(), 'kinesis-producer/test'),
    );
    open.push(uploader);
    registry.find('UserRecordsPut', { stream: 's' }).put(1, Math.floor(performance.now() / 1000));
    await waitFor('a timed upload', () => fake.requests.length === 1, { timeoutMs: 5000 });
    expect(fake.requests[0]!.data.map((d) => [d.name, d.dimensions])).toEqual([
      ['UserRecordsPut', []],
    ]);
    // The ticks in between find nothing new and send nothing; the next sample goes alone.
    registry.find('UserRecordsPut', { stream: 's' }).put(7, Math.floor(performance.now() / 1000));
    await waitFor('the next timed upload', () => fake.requests.length === 2, { timeoutMs: 5000 });
    expect(fake.requests[1]!.data.map((d) => [d.sum, d.sampleCount])).toEqual([[7, 1]]);
  });
});
