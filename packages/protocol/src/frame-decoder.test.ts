import { describe, expect, test } from '@jest/globals';
import { FrameDecoder } from './frame-decoder.js';
import { FrameError, MAX_FRAME_SIZE } from './frames.js';

function payload(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function frame(p: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(p.length);
  return Buffer.concat([header, p]);
}

function hex(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString('hex'));
}

/** Feeds `stream` cut at `cuts` (ascending offsets) and returns every frame, then calls end(). */
function decodeCut(stream: Buffer, cuts: number[], decoder = new FrameDecoder()): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    // A fresh copy per chunk, as a socket hands them out.
    out.push(...decoder.push(Buffer.from(stream.subarray(from, to))));
    from = to;
  }
  expect(decoder.bufferedBytes).toBe(0);
  decoder.end();
  return out;
}

function thrown(fn: () => unknown): FrameError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FrameError) return e;
    throw e;
  }
  throw new Error('expected a FrameError');
}

describe('FrameDecoder', () => {
  const payloads = [1, 3, 4, 5, 0x100, 2, 1000].map((n, i) => payload(n, i));
  const stream = Buffer.concat(payloads.map(frame));

  test('returns the same frames whatever single boundary splits the input', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(hex(decodeCut(stream, [cut]))).toEqual(hex(payloads));
    }
  });

  test('returns the same frames for every pair of boundaries in a short stream', () => {
    const short = [1, 3, 4, 5, 2].map((n, i) => payload(n, i));
    const s = Buffer.concat(short.map(frame));
    for (let a = 0; a <= s.length; a++) {
      for (let b = a; b <= s.length; b++) {
        expect(hex(decodeCut(s, [a, b]))).toEqual(hex(short));
      }
    }
  });

  test('returns the same frames when fed one byte at a time', () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(hex(decodeCut(stream, cuts))).toEqual(hex(payloads));
  });

  test('returns every frame of a chunk holding many, as views of that chunk', () => {
    const many = Array.from({ length: 2000 }, (_, i) => payload(1 + (i % 50), i));
    const chunk = Buffer.concat(many.map(frame));
    const frames = new FrameDecoder().push(chunk);
    expect(hex(frames)).toEqual(hex(many));
    for (const f of frames) expect(f.buffer).toBe(chunk.buffer);
  });

  test('never writes again into memory it returned', () => {
    const decoder = new FrameDecoder();
    const first = payload(300, 1);
    const second = payload(300, 2);
    const s = Buffer.concat([frame(first), frame(second), frame(payload(10, 3))]);
    // The first frame straddles two chunks, so it is assembled in a buffer of the decoder's.
    const a = decoder.push(s.subarray(0, 100));
    const b = decoder.push(s.subarray(100, 450));
    const rest = decoder.push(s.subarray(450));
    expect(a).toEqual([]);
    expect(hex(b)).toEqual(hex([first]));
    expect(hex([...b, ...rest])).toEqual(hex([first, second, payload(10, 3)]));
  });

  test('throws FRAME_TOO_LARGE as soon as the header arrives, before any payload', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME_SIZE + 1);
    expect(thrown(() => new FrameDecoder().push(header)).code).toBe('FRAME_TOO_LARGE');

    // Also when the header itself is split, and with a custom limit.
    const decoder = new FrameDecoder(100);
    const small = Buffer.from([0, 0, 0, 101]);
    expect(decoder.push(small.subarray(0, 2))).toEqual([]);
    const error = thrown(() => decoder.push(small.subarray(2)));
    expect(error.code).toBe('FRAME_TOO_LARGE');
    expect(error.message).toMatch(/101 bytes exceeds the limit of 100/);
    // The stream cannot be resynchronised, so the decoder stays failed.
    expect(thrown(() => decoder.push(frame(payload(1, 0)))).code).toBe('FRAME_TOO_LARGE');
  });

  test('accepts a frame of exactly the limit', () => {
    const p = payload(100, 9);
    expect(hex(new FrameDecoder(100).push(frame(p)))).toEqual(hex([p]));
  });

  test('throws FRAME_EMPTY for a zero length', () => {
    const s = Buffer.concat([frame(payload(3, 1)), Buffer.alloc(4)]);
    expect(thrown(() => new FrameDecoder().push(s)).code).toBe('FRAME_EMPTY');
  });

  test('end() throws FRAME_TRUNCATED with the pending byte count when a frame is partial', () => {
    const partialHeader = new FrameDecoder();
    partialHeader.push(Buffer.from([0, 0]));
    expect(partialHeader.bufferedBytes).toBe(2);
    const e1 = thrown(() => partialHeader.end());
    expect(e1.code).toBe('FRAME_TRUNCATED');
    expect(e1.message).toMatch(/2 bytes pending/);

    const partialPayload = new FrameDecoder();
    const complete = partialPayload.push(
      Buffer.concat([frame(payload(5, 1)), frame(payload(10, 2)).subarray(0, 7)]),
    );
    expect(complete).toHaveLength(1);
    expect(partialPayload.bufferedBytes).toBe(7);
    const e2 = thrown(() => partialPayload.end());
    expect(e2.code).toBe('FRAME_TRUNCATED');
    expect(e2.message).toMatch(/7 bytes pending/);
  });

  test('end() is quiet at a frame boundary', () => {
    const decoder = new FrameDecoder();
    decoder.push(frame(payload(5, 1)));
    expect(() => decoder.end()).not.toThrow();
  });

  test('each() hands every frame over as a range, whole ones inside the chunk itself', () => {
    const payloads = [payload(5, 1), payload(300, 2), payload(1, 3), payload(70, 4)];
    const stream = Buffer.concat(payloads.map(frame));
    for (const cut of [0, 3, 7, 9, 200, stream.length - 2]) {
      const d = new FrameDecoder();
      const seen: string[] = [];
      const inChunk: boolean[] = [];
      for (const chunk of [stream.subarray(0, cut), stream.subarray(cut)].map((c) =>
        Buffer.from(c),
      )) {
        d.each(chunk, (buf, start, end) => {
          seen.push(buf.subarray(start, end).toString('hex'));
          inChunk.push(buf === chunk);
        });
      }
      expect(seen).toEqual(hex(payloads));
      // Only a frame cut by the chunk boundary comes from a copy.
      expect(inChunk.filter((x) => !x).length).toBeLessThanOrEqual(1);
    }
  });

  test('each() visits the frames before a corrupt header, then throws', () => {
    const good = [payload(10, 5), payload(20, 6)];
    const bad = Buffer.alloc(4); // a zero length
    const seen: string[] = [];
    const err = thrown(() =>
      new FrameDecoder().each(Buffer.concat([...good.map(frame), bad]), (buf, start, end) => {
        seen.push(buf.subarray(start, end).toString('hex'));
      }),
    );
    expect(err.code).toBe('FRAME_EMPTY');
    expect(seen).toEqual(hex(good));
  });
});
