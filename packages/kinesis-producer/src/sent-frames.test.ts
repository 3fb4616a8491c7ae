import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { FrameWriter, putRecordSize, writePutRecord } from '@kinesis-producer/protocol';
import { type Framed, recordFromFrame, SentFrames } from './sent-frames.js';

/** A record as the journal holds it, with the caller's fields until its frame is written. */
class Rec implements Framed {
  frame: Framed['frame'] = undefined;
  frameAt = 0;
  frameSize = 0;
  dropped = false;
  constructor(
    readonly streamName: string,
    public partitionKey: string,
    public data: Uint8Array,
    public explicitHashKey: string | undefined,
  ) {}
  dropSource(): void {
    this.dropped = true;
    this.partitionKey = '';
    this.data = new Uint8Array(0);
    this.explicitHashKey = undefined;
  }
}

function dataOf(i: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let j = 0; j < size; j++) b[j] = (i * 31 + j) & 0xff;
  return b;
}

/** Records written through a real FrameWriter, as the daemon channel writes them. */
function setup() {
  const sink = new PassThrough({ highWaterMark: 1 << 30 });
  sink.resume();
  const writer = new FrameWriter(sink);
  const outstanding = new Map<number, Rec>();
  const frames = new SentFrames(() => outstanding);
  const write = (id: number, r: Rec) => {
    const size = r.frame === undefined ? putRecordSize(id, r) : r.frameSize;
    if (r.frame === undefined) writer.frame(size, writePutRecord, id, r);
    else {
      const from = r.frame;
      writer.frame(size, (buf, offset) =>
        from.buf.copy(buf, offset, r.frameAt, r.frameAt + r.frameSize),
      );
    }
    frames.wrote(r, writer.lastBuffer!, writer.lastAt, size);
  };
  const settle = (id: number) => {
    frames.release(outstanding.get(id)!);
    outstanding.delete(id);
  };
  return { writer, outstanding, frames, write, settle };
}

describe('SentFrames', () => {
  test('a written record lets go of the caller objects and reads back equal, data copied', () => {
    const { outstanding, write } = setup();
    const data = dataOf(1, 100);
    const withHash = new Rec('s', 'key-1', data, '12345');
    const plain = new Rec('s', 'key-2', dataOf(2, 0), undefined);
    outstanding.set(1, withHash).set(2, plain);
    write(1, withHash);
    write(2, plain);
    expect(withHash.dropped && plain.dropped).toBe(true);
    expect(withHash.partitionKey).toBe('');
    const back = recordFromFrame(withHash.frame!, withHash.frameAt, withHash.frameSize);
    expect(back).toEqual({
      streamName: 's',
      partitionKey: 'key-1',
      data,
      explicitHashKey: '12345',
    });
    expect(back.data).not.toBe(data);
    expect(recordFromFrame(plain.frame!, plain.frameAt, plain.frameSize)).toEqual({
      streamName: 's',
      partitionKey: 'key-2',
      data: Buffer.alloc(0),
    });
  });

  test('a record written again moves to its new copy, which reads back the same', () => {
    const { outstanding, frames, write } = setup();
    const r = new Rec('s', 'k', dataOf(7, 50), undefined);
    outstanding.set(7, r);
    write(7, r);
    const first = r.frame!;
    const bytes = Buffer.from(first.buf.subarray(r.frameAt, r.frameAt + r.frameSize));
    // Enough frames after it that the copy lands in another chunk.
    for (let id = 8; id < 2000; id++) write(id, new Rec('s', `k${id}`, dataOf(id, 50), undefined));
    const liveBefore = first.live;
    write(7, r);
    expect(r.frame).not.toBe(first);
    expect(first.live).toBe(liveBefore - 1);
    expect(Buffer.from(r.frame!.buf.subarray(r.frameAt, r.frameAt + r.frameSize))).toEqual(bytes);
    expect(recordFromFrame(r.frame!, r.frameAt, r.frameSize).partitionKey).toBe('k');
    const liveNow = r.frame!.live;
    frames.release(r);
    expect(r.frame!.live).toBe(liveNow - 1);
  });

  test('chunks kept for a few stragglers each are compacted: memory follows the records outstanding', () => {
    const { outstanding, frames, write, settle } = setup();
    const records = 200_000;
    const stragglerEvery = 64;
    const expected = new Map<number, { partitionKey: string; data: Buffer }>();
    for (let id = 1; id <= records; id++) {
      const data = dataOf(id, 100);
      const r = new Rec('stream', `key-${id}`, data, undefined);
      outstanding.set(id, r);
      write(id, r);
      // Records settle soon after they were written, but one in 64 stays (a throttled shard).
      const old = id - 100;
      if (old >= 1 && old % stragglerEvery !== 0) settle(old);
      if (id % stragglerEvery === 0) expected.set(id, { partitionKey: `key-${id}`, data });
    }
    const liveBytes = [...outstanding.values()].reduce((n, r) => n + r.frameSize, 0);
    // 200,000 records of about 125 bytes wrote about 25 MB; without compaction every 64 KiB chunk
    // would be kept for its stragglers.
    expect(liveBytes).toBeLessThan(500_000);
    expect(frames.kept).toBeLessThanOrEqual(Math.max(4 * 1024 * 1024, 4 * liveBytes) + 65_536);
    // Every straggler still reads back as it was written, wherever compaction moved its frame.
    for (const [id, want] of expected) {
      const r = outstanding.get(id)!;
      expect(recordFromFrame(r.frame!, r.frameAt, r.frameSize)).toEqual({
        streamName: 'stream',
        ...want,
      });
    }
    for (const id of [...outstanding.keys()]) settle(id);
    expect(frames.kept).toBe(0);
  });
});
