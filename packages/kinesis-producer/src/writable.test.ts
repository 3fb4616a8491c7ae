// The Writable over a small stand-in for the producer: a sink with a capacity that the test
// controls and results it settles by hand.
import { describe, expect, test } from '@jest/globals';
import { BufferFullError, ProducerClosedError, ValidationError } from './errors.js';
import type { PutFailure, PutResultSink } from './put-outcomes.js';
import type { PutEntry } from './types.js';
import { ProducerWritable, type RecordSink } from './writable.js';

class Sink implements RecordSink {
  capacity = Number.POSITIVE_INFINITY;
  failure: Error | undefined;
  taken: { record: PutEntry; resolve(): void; reject(e: Error): void }[] = [];
  flushed: string[] = [];
  private waiters: (() => void)[] = [];

  put(partitionKey: unknown, data: unknown, explicitHashKey: unknown, results: PutResultSink) {
    const record = { partitionKey, data, explicitHashKey } as PutEntry;
    if (this.failure) throw this.failure;
    if (!partitionKey) throw new ValidationError('partitionKey', '', 'non-empty');
    if (this.taken.length >= this.capacity) {
      throw new BufferFullError(this.taken.length, 0, 'maxOutstandingRecords', {
        streamName: 's',
        ...record,
      });
    }
    const t = {
      record,
      resolve: () => {
        this.settle(t);
        // As the producer settles: the result is made only for a sink that reads it.
        if (results.succeededUnread()) return;
        results.succeeded(
          { record: { streamName: 's', ...record } },
          {
            successful: true,
            attempts: [],
          },
        );
      },
      reject: (e: Error) => {
        this.settle(t);
        results.failed(e as PutFailure);
      },
    };
    this.taken.push(t);
  }

  waitForCapacity(): Promise<void> {
    if (this.taken.length < this.capacity || this.failure) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  flush(stream: string): void {
    this.flushed.push(stream);
  }

  stop(err: Error): void {
    this.failure = err;
    for (const w of this.waiters.splice(0)) w();
  }

  private settle(t: Sink['taken'][number]): void {
    this.taken.splice(this.taken.indexOf(t), 1);
    for (const w of this.waiters.splice(0)) w();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ProducerWritable', () => {
  test('takes chunks while the sink has room and waits for room when it is full', async () => {
    const sink = new Sink();
    sink.capacity = 2;
    const w = new ProducerWritable(sink, 's', { highWaterMark: 2 });
    const returns = [1, 2, 3, 4].map((i) => w.write({ partitionKey: `k${i}`, data: 'x' }));
    expect(returns).toEqual([true, true, true, false]);
    expect(sink.taken.map((t) => t.record.partitionKey)).toEqual(['k1', 'k2']);
    const drained = new Promise((r) => w.once('drain', r));
    sink.taken[0]!.resolve();
    sink.taken[0]!.resolve();
    await drained;
    expect(sink.taken.map((t) => t.record.partitionKey)).toEqual(['k3', 'k4']);
    expect(sink.taken[0]!.record).toEqual({
      partitionKey: 'k3',
      data: 'x',
      explicitHashKey: undefined,
    });
  });

  test("end() flushes the stream and 'finish' waits for every result", async () => {
    const sink = new Sink();
    const w = new ProducerWritable(sink, 'orders', { partitionKey: (d) => `pk-${d.length}` });
    w.write(Buffer.from('abc'));
    let finished = false;
    w.once('finish', () => (finished = true));
    w.end();
    await tick();
    expect(sink.flushed).toEqual(['orders']);
    expect(sink.taken[0]!.record.partitionKey).toBe('pk-3');
    expect(finished).toBe(false);
    sink.taken[0]!.resolve();
    await tick();
    expect(finished).toBe(true);
    expect([w.succeeded, w.failed, w.pending]).toEqual([1, 0, 0]);
  });

  test('a refused record is reported with the record; the stream goes on', async () => {
    const sink = new Sink();
    const w = new ProducerWritable(sink, 's');
    const failed: Error[] = [];
    w.on('recordFailed', (e: Error) => failed.push(e));
    w.write({ partitionKey: '', data: 'bad' });
    w.write({ partitionKey: 'ok', data: 'good' });
    await tick();
    expect(failed[0]).toBeInstanceOf(ValidationError);
    expect((failed[0] as ValidationError & { userRecord: PutEntry }).userRecord).toMatchObject({
      streamName: 's',
      data: 'bad',
    });
    expect(sink.taken).toHaveLength(1);
  });

  test('destroyOnFailure ends the stream on the first failed record even with a listener', async () => {
    const sink = new Sink();
    const w = new ProducerWritable(sink, 's', { destroyOnFailure: true });
    w.on('recordFailed', () => {});
    const error = new Promise<Error>((r) => w.once('error', r));
    w.write({ partitionKey: 'k', data: 'x' });
    const boom = new Error('failed');
    sink.taken[0]!.reject(boom);
    expect(await error).toBe(boom);
    expect(w.failed).toBe(1);
  });

  test('a producer that stops is an error of the stream, also for a write waiting for room', async () => {
    const sink = new Sink();
    sink.capacity = 1;
    const w = new ProducerWritable(sink, 's');
    w.on('recordFailed', () => {});
    w.write({ partitionKey: 'a', data: 'x' });
    w.write({ partitionKey: 'b', data: 'x' }); // waits for room
    const error = new Promise<Error>((r) => w.once('error', r));
    const closed = new ProducerClosedError();
    sink.stop(closed);
    expect(await error).toBe(closed);
  });

  test('Buffers without the partitionKey option are refused, not guessed', async () => {
    const sink = new Sink();
    const w = new ProducerWritable(sink, 's');
    const failed: Error[] = [];
    w.on('recordFailed', (e: Error) => failed.push(e));
    w.write(Buffer.from('x'));
    await tick();
    expect((failed[0] as ValidationError).field).toBe('partitionKey');
    expect(sink.taken).toHaveLength(0);
  });
});
