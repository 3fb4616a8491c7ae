import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { FrameDecoder } from './frame-decoder.js';
import { FrameWriter } from './frame-writer.js';
import { FrameError, MAX_FRAME_SIZE } from './frames.js';
import { decodeMessage, putRecordSize, writePutRecord } from './hot-codec.js';

function payload(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 131 + i) & 0xff;
  return b;
}

/** A real Writable that records what it got and how often write() was called. */
class RecordingSink extends Writable {
  writes = 0;
  writesWhileBlocked = 0;
  readonly received: Buffer[] = [];
  writer: FrameWriter | undefined;

  constructor(
    highWaterMark: number,
    private readonly slow: boolean,
  ) {
    super({ highWaterMark });
  }

  override write(chunk: unknown, ...rest: never[]): boolean {
    this.writes++;
    if (this.writer?.blocked) this.writesWhileBlocked++;
    return super.write(chunk, ...rest);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.received.push(Buffer.from(chunk));
    if (this.slow) setImmediate(done);
    else done();
  }
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function decodeAll(chunks: Buffer[]): Buffer[] {
  const decoder = new FrameDecoder();
  const frames = chunks.flatMap((c) => decoder.push(c));
  decoder.end();
  return frames;
}

function hex(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString('hex'));
}

describe('FrameWriter', () => {
  test('coalesces thousands of frames into few writes, in order, through a PassThrough', async () => {
    const sink = new PassThrough({ highWaterMark: 1 << 20 });
    let writes = 0;
    const write = sink.write.bind(sink);
    sink.write = ((...args: Parameters<typeof write>) => {
      writes++;
      return write(...args);
    }) as typeof sink.write;
    const received: Buffer[] = [];
    sink.on('data', (c: Buffer) => received.push(c));

    const writer = new FrameWriter(sink);
    const sent: Buffer[] = [];
    let bytes = 0;
    for (let turn = 0; turn < 5; turn++) {
      for (let i = 0; i < 1000; i++) {
        const p = payload(1 + ((turn * 1000 + i) % 200), turn * 1000 + i);
        sent.push(p);
        bytes += 4 + p.length;
        writer.message(p);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => writer.pendingBytes === 0, 'the sink to take everything');
    expect(hex(decodeAll(received))).toEqual(hex(sent));
    // About 500 KB: one write per 16 KiB queued and one for each turn's remainder; a write
    // that spans two 64 KiB chunks is two corked write() calls.
    expect(writes).toBeGreaterThanOrEqual(5);
    expect(writes).toBeLessThanOrEqual(Math.ceil(bytes / 16384) + Math.ceil(bytes / 65536) + 5);
  });

  test('says where each frame was written, and those bytes stay as written after later frames', async () => {
    const sink = new RecordingSink(1 << 24, false);
    const writer = new FrameWriter(sink, { chunkSize: 256, writeAtBytes: 100 });
    const kept: { payload: Buffer; buf: Buffer; at: number }[] = [];
    for (let turn = 0; turn < 3; turn++) {
      for (let i = 0; i < 200; i++) {
        // Some frames are bigger than a chunk and get a buffer of their own.
        const p = payload(i % 50 === 0 ? 300 : 1 + ((turn * 200 + i) % 90), turn * 200 + i);
        writer.message(p);
        kept.push({ payload: p, buf: writer.lastBuffer!, at: writer.lastAt });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => writer.pendingBytes === 0, 'the sink to take everything');
    expect(hex(decodeAll(sink.received))).toEqual(hex(kept.map((k) => k.payload)));
    const where = kept.map((k) => k.buf.subarray(k.at, k.at + k.payload.length));
    expect(hex(where)).toEqual(hex(kept.map((k) => k.payload)));
    writer.close();
    writer.message(payload(5, 1));
    expect(writer.lastBuffer).toBeUndefined();
  });

  test('writes one frame per turn as soon as the turn ends', async () => {
    const sink = new RecordingSink(1 << 20, false);
    const writer = new FrameWriter(sink);
    writer.message(payload(10, 1));
    expect(sink.writes).toBe(0);
    expect(writer.pendingBytes).toBe(14);
    await until(() => sink.writes === 1, 'the first write');
    writer.message(payload(10, 2));
    await until(() => sink.writes === 2, 'the second write');
    expect(hex(decodeAll(sink.received))).toEqual(hex([payload(10, 1), payload(10, 2)]));
  });

  test('writes within a long synchronous loop once writeAtBytes are queued, not per frame', async () => {
    const sink = new RecordingSink(1 << 24, false);
    const writer = new FrameWriter(sink, { writeAtBytes: 8192 });
    const sent: Buffer[] = [];
    const writesAt: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 10_000; i++) {
      const p = payload(96, i);
      sent.push(p);
      bytes += 100;
      writer.message(p);
      writesAt.push(sink.writes);
    }
    // Still inside the loop's turn: the sink already had one write per 8 KiB (two corked
    // write() calls when it spans two 64 KiB chunks), none per frame.
    const early = Math.floor(bytes / 8192);
    const spans = Math.ceil(bytes / 65536);
    expect(sink.writes).toBeGreaterThanOrEqual(early);
    expect(sink.writes).toBeLessThanOrEqual(early + spans);
    expect(writesAt[80]).toBe(0);
    expect(writesAt[81]).toBe(1);
    const inLoop = sink.writes;
    await until(() => writer.pendingBytes === 0, 'the remainder');
    expect(sink.writes).toBe(inLoop + 1);
    expect(hex(decodeAll(sink.received))).toEqual(hex(sent));
  });

  test('within a synchronous loop, stops writing once the sink asks to wait for drain', async () => {
    const sink = new RecordingSink(4096, true);
    const writer = new FrameWriter(sink, { writeAtBytes: 8192 });
    sink.writer = writer;
    const sent: Buffer[] = [];
    for (let i = 0; i < 2000; i++) {
      const p = payload(96, i);
      sent.push(p);
      writer.message(p);
    }
    // The first 8 KiB went at once and passed the sink's high-water mark: the rest waits here.
    expect(sink.writes).toBe(1);
    expect(writer.blocked).toBe(true);
    expect(writer.pendingBytes).toBe(2000 * 100);
    await until(() => !writer.blocked && writer.pendingBytes === 0, 'everything written');
    expect(sink.writesWhileBlocked).toBe(0);
    expect(hex(decodeAll(sink.received))).toEqual(hex(sent));
  });

  test('rejects a writeAtBytes that is not above 0', () => {
    expect(() => new FrameWriter(new PassThrough(), { writeAtBytes: 0 })).toThrow(RangeError);
    expect(() => new FrameWriter(new PassThrough(), { writeAtBytes: Number.NaN })).toThrow(
      RangeError,
    );
  });

  test('honours back-pressure: blocks, waits for drain, then resumes without loss', async () => {
    const sink = new RecordingSink(4096, true);
    const writer = new FrameWriter(sink, { chunkSize: 1024 });
    sink.writer = writer;
    let drains = 0;
    writer.onDrain = () => drains++;
    const sent: Buffer[] = [];
    const send = (n: number): void => {
      for (let i = 0; i < n; i++) {
        // Mix of frames that share chunks and frames larger than a chunk.
        const p = payload(i % 37 === 0 ? 3000 : 1 + (sent.length % 300), sent.length);
        sent.push(p);
        writer.message(p);
      }
    };

    send(500);
    await until(() => writer.blocked, 'back-pressure');
    const writesWhenBlocked = sink.writes;
    // Frames queued while blocked stay here until drain.
    send(500);
    expect(sink.writes).toBe(writesWhenBlocked);
    expect(writer.pendingBytes).toBeGreaterThan(0);

    await until(() => drains > 0, 'onDrain');
    await until(() => !writer.blocked && writer.pendingBytes === 0, 'everything written');
    expect(sink.writesWhileBlocked).toBe(0);
    expect(hex(decodeAll(sink.received))).toEqual(hex(sent));
  });

  test("given the pipe's descriptor, one long synchronous loop keeps the reader fed to its end", async () => {
    // The child hashes what it reads; /proc says how much it has read so far (Linux's rchar),
    // which the loop below can ask without yielding.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const h = require('node:crypto').createHash('sha256'); let n = 0;
         process.stdin.on('data', (c) => { h.update(c); n += c.length; });
         process.stdin.on('end', () => process.stdout.write(n + ' ' + h.digest('hex')));
         process.stdout.write('ready');`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const rchar = () =>
      Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))![1]);
    try {
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      // A failed run kills the child with writes still queued for it.
      child.stdin.on('error', () => {});
      await until(() => Buffer.concat(out).toString().startsWith('ready'), 'the child ready');
      out.length = 0;
      const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
      const writer = new FrameWriter(child.stdin, { fd: () => fd });
      const expected = createHash('sha256');
      let framed = 0;
      const before = rchar();
      let readInLoop = 0;
      const nap = new Int32Array(new SharedArrayBuffer(4));
      // 60,000 frames of 120 B, about 7 MB: many times what the pipe holds.
      for (let i = 1; i <= 60_000; i++) {
        const r = { streamName: 's', partitionKey: `pk-${i}`, data: payload(100, i) };
        const size = putRecordSize(i, r);
        writer.frame(size, (buf, o) => {
          writePutRecord(buf, o, i, r);
          expected.update(buf.subarray(o - 4, o + size));
        });
        framed += 4 + size;
        if (i % 1000 === 0) {
          // Still inside the loop: sleep (Atomics.wait does not yield to the event loop) until the
          // child has read what was handed to the descriptor so far. The deadline only bounds a
          // failure.
          const handed = framed - writer.pendingBytes;
          const deadline = performance.now() + 10_000;
          do {
            readInLoop = rchar() - before;
            if (readInLoop >= handed) break;
            Atomics.wait(nap, 0, 0, 1);
          } while (performance.now() < deadline);
        }
      }
      // Through the stream alone the child gets one pipe's worth (a few hundred KiB) before the
      // loop ends; fed directly, it has read nearly all of the 7 MB.
      expect(readInLoop).toBeGreaterThan(4 * 1024 * 1024);
      await until(() => writer.pendingBytes === 0, 'everything written');
      child.stdin.end();
      await once(child, 'exit');
      // Every byte arrived, once, in order.
      expect(Buffer.concat(out).toString()).toBe(`${framed} ${expected.digest('hex')}`);
    } finally {
      child.kill();
    }
  });

  test('given the descriptor of a pipe whose reader is gone, frames never throw and the stream reports the failure', async () => {
    // The child closes its end of the pipe and stays alive: writes to it fail with EPIPE.
    const child = spawn(
      process.execPath,
      [
        '-e',
        "require('node:fs').closeSync(0); process.stdout.write('closed'); setTimeout(() => {}, 30000);",
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      const out: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      await until(() => Buffer.concat(out).toString() === 'closed', 'the child to close its end');
      const errors: Error[] = [];
      child.stdin.on('error', (e) => errors.push(e));
      const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
      const writer = new FrameWriter(child.stdin, { fd: () => fd });
      for (let i = 1; i <= 2_000; i++) {
        const r = { streamName: 's', partitionKey: `pk-${i}`, data: payload(100, i) };
        const size = putRecordSize(i, r);
        writer.frame(size, (buf, o) => writePutRecord(buf, o, i, r));
      }
      await until(() => errors.length > 0, 'the stream to report the failed write');
      expect((errors[0] as NodeJS.ErrnoException).code).toBe('EPIPE');
    } finally {
      child.kill();
    }
  });

  test('round-trips hot-codec frames through a real child process pipe', async () => {
    // The child echoes stdin to stdout, so both pipes and their back-pressure are real.
    const child = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      let writes = 0;
      const write = child.stdin.write.bind(child.stdin);
      child.stdin.write = ((...args: Parameters<typeof write>) => {
        writes++;
        return write(...args);
      }) as typeof child.stdin.write;
      const decoder = new FrameDecoder();
      const got: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => got.push(...decoder.push(c)));

      const writer = new FrameWriter(child.stdin);
      const count = 20000;
      const records = Array.from({ length: count }, (_, i) => ({
        streamName: 'stream',
        partitionKey: `pk-${i}-é`,
        data: payload(i % 500, i),
      }));
      let next = 0;
      // Feed as a producer would: stop while blocked, resume on drain.
      await new Promise<void>((resolve) => {
        const pump = (): void => {
          while (next < count && !writer.blocked) {
            const id = next + 1;
            const r = records[next++]!;
            writer.frame(putRecordSize(id, r), (buf, o) => writePutRecord(buf, o, id, r));
            if (next % 1000 === 0) break;
          }
          if (next === count) resolve();
          else if (!writer.blocked) setImmediate(pump);
        };
        writer.onDrain = pump;
        pump();
      });
      await until(() => got.length === count, 'every frame back from the child');
      child.stdin.end();
      await once(child, 'exit');
      decoder.end();

      const mismatches = got.filter((bytes, i) => {
        const decoded = decodeMessage(bytes);
        return (
          decoded.kind !== 'putRecord' ||
          decoded.id !== i + 1 ||
          decoded.record.partitionKey !== records[i]!.partitionKey ||
          Buffer.compare(decoded.record.data, records[i]!.data) !== 0
        );
      });
      expect(mismatches).toHaveLength(0);
      expect(writes).toBeLessThan(count / 20);
    } finally {
      child.kill();
    }
  });

  test('flush() hands queued frames to the sink at once', () => {
    const sink = new RecordingSink(1 << 20, false);
    const writer = new FrameWriter(sink);
    writer.message(payload(3, 1));
    writer.flush();
    expect(sink.writes).toBe(1);
    expect(hex(decodeAll(sink.received))).toEqual(hex([payload(3, 1)]));
  });

  test('close() drops what is queued and ignores later frames', async () => {
    const sink = new RecordingSink(1 << 20, false);
    const writer = new FrameWriter(sink);
    writer.message(payload(3, 1));
    writer.close();
    writer.message(payload(3, 2));
    // Our immediate is queued after the writer's, so the writer's would have run by then.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.writes).toBe(0);
    expect(writer.pendingBytes).toBe(0);
  });

  test('closes itself when the sink closes', async () => {
    const sink = new RecordingSink(1 << 20, false);
    const writer = new FrameWriter(sink);
    sink.destroy();
    await once(sink, 'close');
    writer.message(payload(3, 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.writes).toBe(0);
  });

  test('rejects empty and oversized frames without queueing anything', () => {
    const writer = new FrameWriter(new RecordingSink(1024, false));
    const fill = (): void => {
      throw new Error('must not be called');
    };
    expect(() => writer.frame(0, fill)).toThrow(FrameError);
    expect(() => writer.frame(MAX_FRAME_SIZE + 1, fill)).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
    );
    expect(writer.pendingBytes).toBe(0);
  });

  test('a fill that throws leaves no partial frame behind', async () => {
    const sink = new RecordingSink(1 << 20, false);
    const writer = new FrameWriter(sink);
    writer.message(payload(5, 1));
    expect(() =>
      writer.frame(10, () => {
        throw new Error('encoder bug');
      }),
    ).toThrow('encoder bug');
    writer.message(payload(6, 2));
    writer.flush();
    expect(hex(decodeAll(sink.received))).toEqual(hex([payload(5, 1), payload(6, 2)]));
  });
});
