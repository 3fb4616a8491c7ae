// The StreamMetadata frame (kpl-spec §1.6): tells the daemon a stream's id, which it then sends
// as StreamId on every PutRecords for that stream and on the first page of each ListShards.
import { create } from '@bufbuild/protobuf';
import { type Message, MessageSchema } from '@kinesis-producer/protocol';
import { ValidationError } from './errors.js';

export function streamMetadataMessage(streamName: unknown, streamId: unknown): Message {
  // The KPL meant to reject a blank id but checked the name twice; both are checked here.
  for (const [field, value] of [
    ['streamName', streamName],
    ['streamId', streamId],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ValidationError(field, value, 'a non-empty string is required');
    }
  }
  return create(MessageSchema, {
    id: 0n,
    actualMessage: {
      case: 'streamMetadata',
      value: {
        streamName: (streamName as string).trim(),
        streamId: (streamId as string).trim(),
      },
    },
  });
}
