// Intake hands a record's values to the sender in one object shared by every record; a record
// not written during that call must keep its own copy, and one written must read back from its
// frame.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import type { CheckedRecord } from '@kinesis-producer/options';
import { FrameWriter, putRecordSize, writePutRecord } from '@kinesis-producer/protocol';
import { Journal } from './journal.js';
import { type PutFailure, PutOutcomes, type PutResultSink } from './put-outcomes.js';
import { type IntakeOwner, RecordIntake } from './record-intake.js';

function setup(write: boolean) {
  const journal = new Journal({ maxRecords: 100, maxBytes: 1e6, timeoutMs: 0 }, () => {});
  const sink = new PassThrough({ highWaterMark: 1 << 30 });
  sink.resume();
  const writer = new FrameWriter(sink);
  const seen: CheckedRecord[] = [];
  const owner: IntakeOwner = {
    failure: undefined,
    closing: false,
    region: 'us-east-1',
    admitted(id, e, _first, source) {
      seen.push(source);
      if (!write) return;
      const size = putRecordSize(id, source);
      writer.frame(size, writePutRecord, id, source);
      journal.frames.wrote(e, writer.lastBuffer!, writer.lastAt, size);
    },
  };
  const outcomes = new PutOutcomes();
  const intake = new RecordIntake(journal, outcomes, 1 << 20, undefined, owner);
  return { journal, intake, seen, outcomes };
}

describe('RecordIntake', () => {
  test('a record not written when taken keeps its own values; the next record does not change them', () => {
    const { journal, intake, seen } = setup(false);
    const d1 = Buffer.from('one');
    const d2 = Buffer.from('two');
    intake.take('s', 'k1', d1, undefined, undefined, true);
    intake.take('s', 'k2', d2, '123', undefined, true);
    intake.takeMany('s', [{ partitionKey: 'k3', data: 'three' }]);
    expect(seen).toHaveLength(3);
    expect(journal.get(1)?.source).toEqual({
      streamName: 's',
      partitionKey: 'k1',
      data: d1,
      explicitHashKey: undefined,
    });
    expect(journal.get(1)?.source?.data).toBe(d1);
    expect(journal.get(2)?.record).toEqual({
      streamName: 's',
      partitionKey: 'k2',
      data: d2,
      explicitHashKey: '123',
    });
    expect(journal.get(3)?.record).toEqual({
      streamName: 's',
      partitionKey: 'k3',
      data: Buffer.from('three'),
    });
  });

  test('a record written when taken keeps no values, and reads back from its frame', () => {
    const { journal, intake } = setup(true);
    const p = intake.take('s', 'k1', Buffer.from('one'), '99', undefined, false);
    intake.take('s', 'k2', Buffer.from('two'), undefined, undefined, true);
    expect(p).toBeDefined();
    for (const id of [1, 2]) {
      expect(journal.get(id)?.source).toBeUndefined();
      expect(journal.get(id)?.frame).toBeDefined();
    }
    expect(journal.get(1)?.record).toEqual({
      streamName: 's',
      partitionKey: 'k1',
      data: Buffer.from('one'),
      explicitHashKey: '99',
    });
    expect(journal.get(2)?.record).toEqual({
      streamName: 's',
      partitionKey: 'k2',
      data: Buffer.from('two'),
    });
  });

  test('records taken for different sinks each report to their own, in any order', () => {
    const { journal, intake, outcomes } = setup(false);
    const heard: string[] = [];
    outcomes.onSuccess((r) => heard.push(`producer ok ${r.partitionKey}`));
    outcomes.onFailure((f) => heard.push(`producer failed ${f.message}`));
    const stream = (name: string): PutResultSink => ({
      succeeded: (source) => heard.push(`${name} ok ${source.record.partitionKey}`),
      succeededUnread: () => false,
      failed: (f) => heard.push(`${name} failed ${f.message}`),
    });
    const a = stream('a');
    const b = stream('b');
    intake.take('s', 'k1', 'x', undefined, undefined, true);
    intake.take('s', 'k2', 'x', undefined, undefined, true, a);
    intake.take('s', 'k3', 'x', undefined, undefined, true, b);
    intake.take('s', 'k4', 'x', undefined, undefined, true, a);
    intake.takeMany('s', [{ partitionKey: 'k5', data: 'x' }]);
    const ok = { successful: true, attempts: [] };
    for (const id of [5, 4, 3, 2, 1]) journal.take(id)?.resolve(ok);
    intake.take('s', 'k6', 'x', undefined, undefined, true, b);
    journal.take(6)?.reject(new Error('six') as PutFailure);
    expect(heard).toEqual([
      'producer ok k5',
      'a ok k4',
      'b ok k3',
      'a ok k2',
      'producer ok k1',
      'b failed six',
    ]);
  });
});
