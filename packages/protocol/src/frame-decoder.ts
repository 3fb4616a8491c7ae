import {
  FRAME_HEADER_SIZE,
  FrameError,
  frameEmpty,
  frameTooLarge,
  MAX_FRAME_SIZE,
} from './frames.js';

/** Receives one frame's payload: bytes start to end of buf, never written again. */
export type FrameVisitor = (buf: Buffer, start: number, end: number) => void;

/**
 * Incremental frame parser. Whole frames inside a chunk are returned as zero-copy subarrays of
 * that chunk; only a frame that straddles chunks is copied, into a buffer allocated once at its
 * exact size as soon as its header is known. No returned memory is ever written again, so callers
 * may keep payloads (or views into them) as long as they like. A payload that is a view keeps its
 * whole chunk alive, which is the usual trade for not copying.
 */
export class FrameDecoder {
  private readonly maxFrameSize: number;
  /** Header bytes of a frame whose length is not complete yet. */
  private readonly header = Buffer.alloc(FRAME_HEADER_SIZE);
  private headerFill = 0;
  /** Payload of a frame whose length is known but whose bytes have not all arrived. */
  private partial: Buffer | undefined;
  private partialFill = 0;
  /** After a corrupt header nothing that follows can be trusted, so the error sticks. */
  private failure: FrameError | undefined;

  constructor(maxFrameSize: number = MAX_FRAME_SIZE) {
    if (!Number.isSafeInteger(maxFrameSize) || maxFrameSize < 1 || maxFrameSize > 0xffffffff) {
      throw new RangeError(
        `maxFrameSize must be an integer in [1, 4294967295], got ${maxFrameSize}`,
      );
    }
    this.maxFrameSize = maxFrameSize;
  }

  /** Bytes received that belong to a frame not yet complete, its header included. */
  get bufferedBytes(): number {
    return this.partial === undefined ? this.headerFill : FRAME_HEADER_SIZE + this.partialFill;
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    this.each(chunk, (buf, start, end) => {
      frames.push(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    });
    return frames;
  }

  /**
   * Like push(), but hands each whole frame to `visit` as a range of a buffer (the chunk, or the
   * copy of a frame that straddled chunks), so that a reader that copies what it keeps makes no
   * view per frame. Frames before a corrupt header are visited before the error is thrown.
   */
  each(chunk: Buffer, visit: FrameVisitor): void {
    if (this.failure !== undefined) throw this.failure;
    const end = chunk.length;
    let pos = 0;

    if (this.partial !== undefined) {
      pos = this.fillPartial(chunk, 0, visit);
    } else if (this.headerFill > 0) {
      const take = Math.min(FRAME_HEADER_SIZE - this.headerFill, end);
      chunk.copy(this.header, this.headerFill, 0, take);
      this.headerFill += take;
      pos = take;
      if (this.headerFill < FRAME_HEADER_SIZE) return;
      this.headerFill = 0;
      const size = this.checkedSize(this.header.readUInt32BE(0));
      if (end - pos >= size) {
        visit(chunk, pos, pos + size);
        pos += size;
      } else {
        this.partial = Buffer.allocUnsafe(size);
        pos = this.fillPartial(chunk, pos, visit);
      }
    }

    // At a frame boundary from here on.
    while (end - pos >= FRAME_HEADER_SIZE) {
      const size = this.checkedSize(chunk.readUInt32BE(pos));
      pos += FRAME_HEADER_SIZE;
      if (end - pos >= size) {
        visit(chunk, pos, pos + size);
        pos += size;
      } else {
        this.partial = Buffer.allocUnsafe(size);
        pos = this.fillPartial(chunk, pos, visit);
      }
    }
    if (pos < end) {
      chunk.copy(this.header, 0, pos, end);
      this.headerFill = end - pos;
    }
  }

  end(): void {
    if (this.failure !== undefined) throw this.failure;
    const pending = this.bufferedBytes;
    if (pending === 0) return;
    const what =
      this.partial === undefined
        ? `${this.headerFill} of the ${FRAME_HEADER_SIZE} header bytes`
        : `the header and ${this.partialFill} of the ${this.partial.length} payload bytes`;
    throw new FrameError(
      'FRAME_TRUNCATED',
      `input ended inside a frame: ${pending} bytes pending (${what} arrived)`,
    );
  }

  private checkedSize(size: number): number {
    if (size === 0) this.failure = frameEmpty();
    else if (size > this.maxFrameSize) this.failure = frameTooLarge(size, this.maxFrameSize);
    else return size;
    throw this.failure;
  }

  /** Copies into the pending frame; returns the chunk position after what it consumed. */
  private fillPartial(chunk: Buffer, pos: number, visit: FrameVisitor): number {
    const partial = this.partial!;
    const take = Math.min(partial.length - this.partialFill, chunk.length - pos);
    chunk.copy(partial, this.partialFill, pos, pos + take);
    this.partialFill += take;
    if (this.partialFill === partial.length) {
      this.partial = undefined;
      this.partialFill = 0;
      visit(partial, 0, partial.length);
    }
    return pos + take;
  }
}
