// The last frame a daemon sends before it exits on an error it cannot recover from.
import { create } from '@bufbuild/protobuf';
import { encodeMessage, MessageSchema } from '@kinesis-producer/protocol';

export function fatalFrame(code: string, message: string): Uint8Array {
  return encodeMessage(
    create(MessageSchema, {
      id: 0n,
      actualMessage: { case: 'fatalError', value: { code, message } },
    }),
  );
}
