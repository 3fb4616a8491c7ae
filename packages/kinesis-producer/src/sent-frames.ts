// The encoded frames of records written for the pipe, kept until the records settle: what a
// restarted daemon is sent again, and what a failure's record is read back from.
//
// Why keep bytes rather than the caller's key and data: a record waits for its result for 100 to
// 250 ms, long enough to outlive one or two young-generation collections in the user's process.
// Every object the journal keeps that long is copied, then promoted, and at hundreds of thousands
// of records a second that copying was a large share of what the user's process spent per
// record. The frame is already written into a buffer shared by hundreds of records, so keeping
// it costs nothing per record, and the caller's key string and data Buffer die young.
import { decodeMessage, StringInterner } from '@kinesis-producer/protocol';
import type { UserRecord } from './types.js';

/** One buffer frames were written into, and how much of it records still need. */
export class FrameChunk {
  /** Records whose frame lies here and that have not settled. */
  live = 0;
  liveBytes = 0;

  constructor(readonly buf: Buffer) {}
}

/** A record whose frame may have been written: where it lies (`frame` undefined: not yet). */
export interface Framed {
  frame: FrameChunk | undefined;
  frameAt: number;
  frameSize: number;
  /** Its frame now holds the record: let go of the caller's objects. */
  dropSource(): void;
}

/**
 * Chunks are kept while any of their records waits. Records of one chunk usually settle within
 * the same few ms, but a shard that is throttled or a record retried for long keeps the few of
 * its records in each chunk waiting while the rest settle, and then whole 64 KiB chunks would be
 * kept for a handful of bytes each. So once the chunks kept are more than SPARSE_RATIO times
 * the bytes still needed (and above COMPACT_FLOOR), the frames of chunks mostly settled are
 * copied into one new buffer and those chunks let go: the memory kept stays within a small
 * multiple of the frames outstanding, as it would with one copy per record.
 */
const SPARSE_RATIO = 4;
const COMPACT_FLOOR = 4 * 1024 * 1024;

export class SentFrames {
  /** The chunk the last frame went into. */
  private current: FrameChunk | undefined;
  /** Bytes of the chunks some record still needs. */
  private keptBytes = 0;
  /** Bytes of the frames of records not settled. */
  private liveBytes = 0;
  /**
   * Kept bytes above which the next compaction may run: twice what the last one left, so that a
   * compaction that frees little is not repeated on every write.
   */
  private compactAt = COMPACT_FLOOR;

  constructor(
    /** The records outstanding (compaction moves their frames). */
    private readonly outstanding: () => Iterable<readonly [number, Framed]>,
  ) {}

  /** Bytes held for records outstanding, in chunks shared or not (tests check the bound). */
  get kept(): number {
    return this.keptBytes;
  }

  /**
   * The frame of `e`, `size` bytes, was just written at `at` of `buf`. A record written before (to
   * a daemon that ended) moves to its new copy and lets go of the old one.
   */
  wrote(e: Framed, buf: Buffer, at: number, size: number): void {
    let c = this.current;
    if (c === undefined || c.buf !== buf) c = this.current = new FrameChunk(buf);
    const first = e.frame === undefined;
    if (!first) this.release(e);
    this.hold(e, c, at, size);
    if (first) e.dropSource();
    if (this.keptBytes > this.compactAt && this.keptBytes > SPARSE_RATIO * this.liveBytes) {
      this.compact();
    }
  }

  /**
   * The record settled: its chunk no longer needs its bytes. The record keeps pointing at them,
   * so that its failure can still read the record back.
   */
  release(e: Framed): void {
    const c = e.frame;
    if (c === undefined) return;
    c.live--;
    c.liveBytes -= e.frameSize;
    this.liveBytes -= e.frameSize;
    if (c.live === 0) this.keptBytes -= c.buf.length;
  }

  private hold(e: Framed, c: FrameChunk, at: number, size: number): void {
    if (c.live === 0) this.keptBytes += c.buf.length;
    c.live++;
    c.liveBytes += size;
    this.liveBytes += size;
    e.frame = c;
    e.frameAt = at;
    e.frameSize = size;
  }

  /** Copies the frames of mostly settled chunks into one buffer; those chunks can then go. */
  private compact(): void {
    const current = this.current;
    const sparse = (c: FrameChunk | undefined): c is FrameChunk =>
      c !== undefined && c !== current && c.liveBytes * SPARSE_RATIO < c.buf.length;
    let total = 0;
    for (const [, e] of this.outstanding()) if (sparse(e.frame)) total += e.frameSize;
    if (total > 0) {
      const into = new FrameChunk(Buffer.allocUnsafe(total));
      let at = 0;
      for (const [, e] of this.outstanding()) {
        const c = e.frame;
        if (!sparse(c)) continue;
        c.buf.copy(into.buf, at, e.frameAt, e.frameAt + e.frameSize);
        const size = e.frameSize;
        this.release(e);
        this.hold(e, into, at, size);
        at += size;
      }
    }
    this.compactAt = Math.max(COMPACT_FLOOR, 2 * this.keptBytes);
  }
}

/**
 * Keeps no string: a record read back from its frame is read once (for an error or a listener),
 * so interning its key would only hold it longer.
 */
const noKeys = new StringInterner(undefined, 16, 0);

/** The record a frame carries, as the caller would have given it; its data is a copy. */
export function recordFromFrame(chunk: FrameChunk, at: number, size: number): UserRecord {
  const m = decodeMessage(chunk.buf, noKeys, at, at + size);
  if (m.kind !== 'putRecord') throw new TypeError(`a record's frame holds a ${m.kind} message`);
  const r = m.record;
  const data = Buffer.from(r.dataBytes.subarray(r.dataStart, r.dataStart + r.dataLength));
  return r.explicitHashKey === undefined
    ? { streamName: r.streamName, partitionKey: r.partitionKey, data }
    : {
        streamName: r.streamName,
        partitionKey: r.partitionKey,
        data,
        explicitHashKey: r.explicitHashKey,
      };
}
