/** A frame's payload is not a well-formed Message; the peer is broken or the stream corrupt. */
export class ProtocolDecodeError extends Error {
  readonly code = 'PROTOCOL_DECODE_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolDecodeError';
  }
}
