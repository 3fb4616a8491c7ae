// The last frame a daemon sends before it exits on an error it cannot recover from.
import { encodeMessage, fatalErrorMessage } from '@kinesis-producer/protocol';

export function fatalFrame(code: string, message: string): Uint8Array {
  return encodeMessage(fatalErrorMessage(code, message));
}
