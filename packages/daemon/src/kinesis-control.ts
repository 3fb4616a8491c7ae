// Control-plane calls (ListShards) through the AWS SDK, signed with the pushed credentials.
import {
  KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { isStreamArn } from '@kinesis-producer/protocol';
import { createDispatcher, createSdkHttpHandler } from '@kinesis-producer/transport';
import type { DaemonConfig } from './config.js';
import type { CredentialsHolder } from './credentials-holder.js';
import { kinesisOrigin } from './service-origins.js';
import type { ListShards, ShardDescription } from './shard-map.js';

export function createControlClient(c: DaemonConfig, creds: CredentialsHolder, userAgent: string) {
  const origin = kinesisOrigin(c);
  return new KinesisClient({
    region: c.region,
    endpoint: origin.href,
    // HTTP/1.1 through undici, with the same TLS and proxy settings as PutRecords (the SDK's
    // HTTP/2 default is refused by emulators and gains nothing here).
    requestHandler: createSdkHttpHandler(createDispatcher(c, origin), c.requestTimeout),
    // Expiring at once makes the SDK ask again on every call, so rotations apply immediately.
    credentials: async () => ({ ...(await creds.get()), expiration: new Date(0) }),
    maxAttempts: 1,
    customUserAgent: userAgent,
  });
}

export function listShardsWith(client: KinesisClient): ListShards {
  return async (req) => {
    const input: ListShardsCommandInput =
      'nextToken' in req
        ? { NextToken: req.nextToken, MaxResults: 1000 }
        : {
            // Only one of the two: some emulators refuse a request that carries both.
            ...(isStreamArn(req.stream) ? { StreamARN: req.stream } : { StreamName: req.stream }),
            StreamId: req.streamId,
            MaxResults: 1000,
            // Without a filter the service lists closed shards too (those still in retention).
            ShardFilter: req.everyShard ? undefined : { Type: 'AT_LATEST' },
          };
    const out = await client.send(new ListShardsCommand(input));
    const shards = out.Shards ?? [];
    if (!Array.isArray(shards)) throw new ListShardsAnswerError('Shards is not a list');
    return {
      shards: shards.map((s, i) => shardOf(s, i)),
      nextToken: typeof out.NextToken === 'string' && out.NextToken ? out.NextToken : undefined,
    };
  };
}

/** A ListShards answer that does not describe shards; the shard map retries as for any failure. */
export class ListShardsAnswerError extends Error {
  override name = 'ListShardsAnswerError';
}

const SHARD_ID = /^shardId-\d{1,20}$/;
const HASH_KEY = /^\d{1,39}$/;
const MAX_HASH_KEY = 2n ** 128n - 1n;

function shardOf(s: Shard | null | undefined, i: number): ShardDescription {
  const id = s?.ShardId;
  const start = s?.HashKeyRange?.StartingHashKey;
  const end = s?.HashKeyRange?.EndingHashKey;
  if (typeof id !== 'string' || !SHARD_ID.test(id)) {
    throw new ListShardsAnswerError(`shard ${i} has no valid ShardId`);
  }
  if (!isHashKey(start) || !isHashKey(end) || BigInt(start) > BigInt(end)) {
    throw new ListShardsAnswerError(`shard ${id} has no valid hash key range`);
  }
  return {
    shardId: id,
    startingHashKey: start,
    endingHashKey: end,
    closed: s?.SequenceNumberRange?.EndingSequenceNumber !== undefined,
    parentShardId: s?.ParentShardId,
    adjacentParentShardId: s?.AdjacentParentShardId,
  };
}

function isHashKey(v: unknown): v is string {
  return typeof v === 'string' && HASH_KEY.test(v) && BigInt(v) <= MAX_HASH_KEY;
}
