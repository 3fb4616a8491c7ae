// The StreamMetadata frame: tells the daemon a stream's id, which it then sends
// as StreamId on every PutRecords for that stream and on the first page of each ListShards.
import { type Message, streamMetadataMessage } from '@kinesis-producer/protocol';
import { ValidationError } from './errors.js';

/** `stream` is already checked (and mapped to its ARN if the options say so). */
export function validatedStreamMetadata(stream: string, streamId: unknown): Message {
  // The KPL meant to reject a blank id but checked the name twice; both are checked here.
  if (typeof streamId !== 'string' || streamId.trim() === '') {
    throw new ValidationError('streamId', streamId, 'a non-empty string is required');
  }
  return streamMetadataMessage(stream, streamId.trim());
}
