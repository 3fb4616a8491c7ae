/** The KPL daemon refuses to read or write a message larger than this; so do we, both ways. */
export const MAX_FRAME_SIZE = 11 * 1024 * 1024;

/** Bytes of the big-endian length that precedes every message on the wire. */
export const FRAME_HEADER_SIZE = 4;

export type FrameErrorCode = 'FRAME_TOO_LARGE' | 'FRAME_TRUNCATED' | 'FRAME_EMPTY';

/** The byte stream between wrapper and daemon is no longer a valid sequence of frames. */
export class FrameError extends Error {
  readonly code: FrameErrorCode;

  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

export function frameTooLarge(size: number, max: number): FrameError {
  return new FrameError(
    'FRAME_TOO_LARGE',
    `frame of ${size} bytes exceeds the limit of ${max} bytes; the stream is corrupt or the message too big`,
  );
}

export function frameEmpty(): FrameError {
  return new FrameError(
    'FRAME_EMPTY',
    'frame of 0 bytes: every message carries at least its required id, so the stream is corrupt',
  );
}
