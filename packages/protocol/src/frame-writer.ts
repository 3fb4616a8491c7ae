import { writeSync } from 'node:fs';
import { FRAME_HEADER_SIZE, frameEmpty, frameTooLarge, MAX_FRAME_SIZE } from './frames.js';

export interface FrameWriterOptions {
  /** Size of the buffers frames are packed into; a bigger frame gets a buffer of its own. */
  chunkSize?: number;
  /**
   * Queued bytes past which they are written at once, within the turn that queued them, instead
   * of at the end of the turn.
   */
  writeAtBytes?: number;
  /**
   * The sink's file descriptor, when it is a non-blocking pipe or socket of this process's own
   * (a child's stdin): see "Inside a long loop" below. Without it, a loop that fills the pipe
   * leaves the rest of its frames for the end of the turn. Asked before each direct write, and
   * undefined once the sink is closed: a closed descriptor's number may already belong to another
   * file.
   */
  fd?: () => number | undefined;
}

/** Optional parts of a Node Writable that NodeJS.WritableStream does not declare. */
interface WritableExtras {
  writableLength?: number;
  cork?: () => void;
  uncork?: () => void;
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;
/**
 * A quarter of Linux's default pipe capacity: a write this size usually finds room in a pipe the
 * reader is emptying, so it completes at once and write() does not report back-pressure.
 */
const DEFAULT_WRITE_AT_BYTES = 16 * 1024;

/**
 * Packs frames into shared buffers and hands them to the sink once per event-loop turn: one
 * write per frame costs several times more CPU than the encoding itself.
 * Bytes already handed to the sink are never written again, so the free tail of a partly sent
 * buffer keeps being used for the next frames without copying.
 *
 * Inside a long loop. A caller that queues frames in one long synchronous loop (tens of
 * thousands of records before it awaits anything) would leave the reader idle until the loop
 * ends; so once `writeAtBytes` are queued they are written within the loop, one write per that
 * many bytes. The reader is usually slower than the loop, so the pipe soon fills; a stream then
 * keeps what it was given and asks for 'drain', which only comes once the loop yields, and the
 * reader would sit idle for the rest of the loop. Given the sink's `fd`, the writer instead
 * writes straight to the descriptor, without blocking, whenever the stream itself holds nothing
 * (so bytes never overtake each other): as much as the pipe takes, the rest kept here and tried
 * again once more has been queued, so the reader is fed for as long as the loop runs. What is
 * left at the end of the turn goes to the stream, whose 'drain' then paces the writes.
 */
export class FrameWriter {
  onDrain?: () => void;

  private readonly sink: NodeJS.WritableStream & WritableExtras;
  private readonly chunkSize: number;
  private readonly writeAtBytes: number;
  /** Sealed buffers ready for the sink, oldest first. */
  private queue: Buffer[] = [];
  /** Bytes in `queue` plus the unsent part of `chunk`. */
  private queuedBytes = 0;
  private chunk: Buffer;
  /** First byte of `chunk` not yet handed to the sink. */
  private sent = 0;
  /** End of the bytes written into `chunk`. */
  private used = 0;
  private immediate: NodeJS.Immediate | undefined;
  private waitingForDrain = false;
  /** See FrameWriterOptions.fd. */
  private readonly fd: (() => number | undefined) | undefined;
  /** queuedBytes at which the loop next writes (raised while the pipe is full). */
  private writeAt: number;
  private closed = false;
  /**
   * Where the last frame's payload was written: its buffer (undefined when the writer was
   * closed and wrote nothing) and the offset in it. Bytes once written are never overwritten, so
   * a caller may keep them to send again later without encoding anew.
   */
  lastBuffer: Buffer | undefined;
  lastAt = 0;

  constructor(sink: NodeJS.WritableStream, options: FrameWriterOptions = {}) {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= FRAME_HEADER_SIZE) {
      throw new RangeError(
        `chunkSize must be an integer above ${FRAME_HEADER_SIZE}, got ${chunkSize}`,
      );
    }
    const writeAtBytes = options.writeAtBytes ?? DEFAULT_WRITE_AT_BYTES;
    if (!(writeAtBytes > 0)) {
      throw new RangeError(`writeAtBytes must be above 0, got ${writeAtBytes}`);
    }
    this.sink = sink;
    this.chunkSize = chunkSize;
    this.writeAtBytes = writeAtBytes;
    this.writeAt = writeAtBytes;
    this.fd = options.fd;
    this.chunk = Buffer.allocUnsafe(chunkSize);
    sink.once('close', this.handleClose);
  }

  get pendingBytes(): number {
    return this.queuedBytes + (this.sink.writableLength ?? 0);
  }

  get blocked(): boolean {
    return this.waitingForDrain;
  }

  /**
   * Appends a frame of `size` payload bytes that `fill` writes at `offset` of `buf`. `a` and `b`
   * are handed to `fill`, so that a shared function can write per-record frames without a
   * closure per record.
   */
  frame<A = undefined, B = undefined>(
    size: number,
    fill: (buf: Buffer, offset: number, a: A, b: B) => unknown,
    a?: A,
    b?: B,
  ): void {
    if (this.closed) {
      this.lastBuffer = undefined;
      return;
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`frame size must be a non-negative integer, got ${size}`);
    }
    if (size === 0) throw frameEmpty();
    if (size > MAX_FRAME_SIZE) throw frameTooLarge(size, MAX_FRAME_SIZE);
    const need = FRAME_HEADER_SIZE + size;
    if (need > this.chunkSize) {
      const own = Buffer.allocUnsafe(need);
      own.writeUInt32BE(size, 0);
      fill(own, FRAME_HEADER_SIZE, a as A, b as B);
      this.seal();
      this.queue.push(own);
      this.lastBuffer = own;
      this.lastAt = FRAME_HEADER_SIZE;
    } else {
      if (this.used + need > this.chunk.length) {
        this.seal();
        this.chunk = Buffer.allocUnsafe(this.chunkSize);
        this.sent = 0;
        this.used = 0;
      }
      const at = this.used;
      this.chunk.writeUInt32BE(size, at);
      fill(this.chunk, at + FRAME_HEADER_SIZE, a as A, b as B);
      // Advanced only now, so a fill that throws leaves nothing half-written behind.
      this.used = at + need;
      this.lastBuffer = this.chunk;
      this.lastAt = at + FRAME_HEADER_SIZE;
    }
    this.queuedBytes += need;
    if (this.waitingForDrain) return;
    if (this.queuedBytes >= this.writeAt) {
      if (this.fd !== undefined) {
        this.writeDirect();
        // What the pipe did not take is tried again once more has been queued, and at the
        // latest by the turn's immediate.
        if (this.queuedBytes > 0 && this.immediate === undefined) {
          this.immediate = setImmediate(this.handleImmediate);
        }
      } else {
        // The turn's immediate, if any, stays: it writes whatever this loop queues after this.
        this.writeQueued();
      }
    } else if (this.immediate === undefined) {
      this.immediate = setImmediate(this.handleImmediate);
    }
  }

  message(bytes: Uint8Array): void {
    this.frame(bytes.length, (buf, offset) => buf.set(bytes, offset));
  }

  /** Writes even while blocked: the bytes then wait in the sink's buffer instead of here. */
  flush(): void {
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    this.writeQueued();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.queue = [];
    this.queuedBytes = 0;
    this.sent = this.used;
    this.sink.removeListener('close', this.handleClose);
    this.sink.removeListener('drain', this.handleDrain);
  }

  /** Moves the unsent part of the current chunk to the queue. */
  private seal(): void {
    if (this.used > this.sent) {
      this.queue.push(this.chunk.subarray(this.sent, this.used));
      this.sent = this.used;
    }
  }

  /**
   * Writes what is queued straight to the descriptor, as much as it takes now, while the stream
   * holds nothing. A full pipe is not an error: the bytes stay queued, and the next try waits
   * for that many more bytes to be queued, so a loop against a full pipe tries seldom.
   */
  private writeDirect(): void {
    this.seal();
    const fd = this.fd?.();
    if ((this.sink.writableLength ?? 0) > 0 || fd === undefined || fd < 0) {
      this.writeQueued();
      return;
    }
    const queue = this.queue;
    let done = 0;
    let full = false;
    let failed = false;
    // A full pipe makes writeSync throw, and an error's stack trace is most of what that costs
    // (8.5 against 3.5 µs a try): none is captured while the writes are tried.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    while (done < queue.length) {
      const b = queue[done]!;
      let n: number;
      try {
        n = writeSync(fd, b);
      } catch (err) {
        // Any other failure is not ours to report: the stream meets it too and reports it.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') failed = true;
        full = true;
        break;
      }
      this.queuedBytes -= n;
      if (n < b.length) {
        queue[done] = b.subarray(n);
        full = true;
        break;
      }
      done++;
    }
    Error.stackTraceLimit = stackTraceLimit;
    if (done > 0) queue.splice(0, done);
    if (failed) {
      this.writeQueued();
      return;
    }
    this.writeAt = full ? this.queuedBytes + 4 * this.writeAtBytes : this.writeAtBytes;
  }

  private writeQueued(): void {
    if (this.closed) return;
    this.writeAt = this.writeAtBytes;
    this.seal();
    const buffers = this.queue;
    if (buffers.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    let ok: boolean;
    if (buffers.length === 1) {
      ok = this.sink.write(buffers[0]!);
    } else {
      // Corked writes reach a socket or pipe as a single writev, without concatenating.
      const { sink } = this;
      sink.cork?.();
      ok = true;
      for (const b of buffers) ok = sink.write(b);
      sink.uncork?.();
    }
    if (!ok && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.sink.once('drain', this.handleDrain);
    }
  }

  private readonly handleImmediate = (): void => {
    this.immediate = undefined;
    if (!this.waitingForDrain) this.writeQueued();
  };

  private readonly handleDrain = (): void => {
    this.waitingForDrain = false;
    if (this.closed) return;
    this.writeQueued();
    if (!this.waitingForDrain) this.onDrain?.();
  };

  private readonly handleClose = (): void => {
    this.close();
  };
}
