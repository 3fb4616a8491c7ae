// TestKinesis: what an application's tests hold. Kinesis on this machine, streams made on
// demand, producers wired to it, and what arrived read back as user records.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { type DeaggregatedRecord, deaggregate } from '@kinesis-producer/aggregation';
import type { KinesisProducerOptions } from '@kinesis-producer/options';
import { ValidationError } from '../errors.js';
import { KinesisProducer } from '../producer.js';
import { type RunningEmulator, startKinesalite } from './embedded-kinesis.js';
import { KinesisJsonClient } from './kinesis-json.js';

export interface TestKinesisOptions {
  /** Streams to create at start: name → shard count. */
  streams?: Record<string, number>;
  /** The region producers sign for (any valid name works locally). Default us-east-1. */
  region?: string;
}

/** A user record read back, with the shard it was read from. */
export interface ProducedRecord extends DeaggregatedRecord {
  shardId: string;
}

interface ShardJson {
  ShardId: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
}
interface RecordJson {
  Data: string;
  PartitionKey: string;
  SequenceNumber: string;
  ApproximateArrivalTimestamp?: number;
}

const STREAM_READY_MS = 10_000;

export class TestKinesis {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly region: string;
  /** Placeholders: the emulator accepts any. */
  readonly credentials = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
  private readonly client: KinesisJsonClient;
  private readonly producers = new Set<KinesisProducer>();
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly emulator: RunningEmulator,
    region: string,
  ) {
    this.endpoint = emulator.endpoint;
    this.region = region;
    this.client = new KinesisJsonClient(this.endpoint, region);
  }

  /** @internal use startTestKinesis() */
  static async start(options: TestKinesisOptions, packageName?: string): Promise<TestKinesis> {
    const emulator = await startKinesalite(packageName);
    const kinesis = new TestKinesis(emulator, options.region ?? 'us-east-1');
    try {
      for (const [name, shards] of Object.entries(options.streams ?? {})) {
        await kinesis.createStream(name, shards);
      }
    } catch (error) {
      await kinesis.stop();
      throw error;
    }
    return kinesis;
  }

  /**
   * Options that point a producer here: the endpoint, the region, placeholder credentials, and
   * no CloudWatch uploads (there is no CloudWatch here).
   */
  producerOptions(): KinesisProducerOptions {
    return {
      region: this.region,
      kinesisEndpoint: this.endpoint,
      credentials: { ...this.credentials },
      metricsLevel: 'none',
    };
  }

  /** A producer wired to this Kinesis; `options` are added to producerOptions(). stop() destroys it. */
  createProducer(options: KinesisProducerOptions = {}): KinesisProducer {
    const producer = new KinesisProducer({ ...this.producerOptions(), ...options });
    this.producers.add(producer);
    return producer;
  }

  /** Creates a stream with `shards` shards and resolves once it is ACTIVE. */
  async createStream(name: string, shards = 1): Promise<void> {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new ValidationError('shards', shards, 'an integer of at least 1');
    }
    await this.client.call('CreateStream', { StreamName: name, ShardCount: shards });
    const deadline = performance.now() + STREAM_READY_MS;
    for (;;) {
      const out = await this.client.call<{ StreamDescriptionSummary: { StreamStatus: string } }>(
        'DescribeStreamSummary',
        { StreamName: name },
      );
      if (out.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
      if (performance.now() > deadline) {
        throw new Error(`stream ${name} was not ACTIVE within ${STREAM_READY_MS} ms`);
      }
      await delay(10);
    }
  }

  /**
   * Every user record in the stream, shard by shard in sequence order, deaggregated with each
   * shard's hash-key range, so each record a producer delivered is here once. Call it after the
   * producer's `flushSync()` (or `close()`): it reads what has arrived, and does not wait.
   */
  async readRecords(stream: string): Promise<ProducedRecord[]> {
    const out: ProducedRecord[] = [];
    for (const shard of await this.listShards(stream)) {
      const { ShardIterator } = await this.client.call<{ ShardIterator: string }>(
        'GetShardIterator',
        { StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' },
      );
      let iterator: string | undefined = ShardIterator;
      while (iterator) {
        const page: { Records: RecordJson[]; NextShardIterator?: string } = await this.client.call(
          'GetRecords',
          { ShardIterator: iterator, Limit: 10_000 },
        );
        for (const r of page.Records) {
          const record = {
            Data: Buffer.from(r.Data, 'base64'),
            PartitionKey: r.PartitionKey,
            SequenceNumber: r.SequenceNumber,
            ApproximateArrivalTimestamp:
              r.ApproximateArrivalTimestamp === undefined
                ? undefined
                : new Date(r.ApproximateArrivalTimestamp * 1000),
          };
          for (const user of deaggregate(record, { hashKeyRange: shard.HashKeyRange })) {
            out.push({ ...user, shardId: shard.ShardId });
          }
        }
        // The emulator gives everything there is in one page; an empty one means the end.
        iterator = page.Records.length > 0 ? page.NextShardIterator : undefined;
      }
    }
    return out;
  }

  /** Destroys the producers made by createProducer() and stops the emulator. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.all([...this.producers].map((p) => p.destroy()));
      await this.emulator.stop();
    })();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async listShards(stream: string): Promise<ShardJson[]> {
    const shards: ShardJson[] = [];
    let next: string | undefined;
    do {
      const page: { Shards: ShardJson[]; NextToken?: string } = await this.client.call(
        'ListShards',
        next ? { NextToken: next } : { StreamName: stream },
      );
      shards.push(...page.Shards);
      next = page.NextToken;
    } while (next);
    return shards;
  }
}

/**
 * Starts Kinesis on this machine for an application's tests (kinesalite, which must be
 * installed), creating `options.streams`.
 *
 * ```ts
 * const kinesis = await startTestKinesis({ streams: { orders: 2 } });
 * const producer = kinesis.createProducer();
 * await producer.addUserRecord('orders', 'order-1', JSON.stringify(order));
 * await producer.flushSync();
 * expect(await kinesis.readRecords('orders')).toHaveLength(1);
 * await kinesis.stop();
 * ```
 */
export function startTestKinesis(options: TestKinesisOptions = {}): Promise<TestKinesis> {
  return TestKinesis.start(options);
}
