// Control-plane calls (ListShards) through the AWS SDK, signed with the pushed credentials.
import {
  KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis';
import { isStreamArn } from '@kinesis-producer/protocol';
import { createDispatcher, createSdkHttpHandler } from '@kinesis-producer/transport';
import type { DaemonConfig } from './config.js';
import type { CredentialsHolder } from './credentials.js';
import { kinesisOrigin } from './endpoint.js';
import type { ListShards } from './shard-map.js';

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
    return {
      shards: (out.Shards ?? []).map((s) => ({
        shardId: s.ShardId!,
        startingHashKey: s.HashKeyRange!.StartingHashKey!,
        endingHashKey: s.HashKeyRange!.EndingHashKey!,
        closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        parentShardId: s.ParentShardId,
        adjacentParentShardId: s.AdjacentParentShardId,
      })),
      nextToken: out.NextToken,
    };
  };
}
