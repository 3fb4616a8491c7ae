import diagnostics from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { expect, test } from '@jest/globals';
import { LifecycleEvents } from './lifecycle-events.js';

test('an event goes to the emitter and to its channel, with the emitter as producer', () => {
  const emitter = new EventEmitter();
  const events = new LifecycleEvents(emitter, {});
  expect(events.wanted('recordsResubmitted')).toBe(false);
  const heard: unknown[] = [];
  emitter.on('recordsResubmitted', (e) => heard.push(e));
  expect(events.wanted('recordsResubmitted')).toBe(true);
  const published: unknown[] = [];
  const fn = (m: unknown) => published.push(m);
  diagnostics.subscribe('kinesis-producer:recordsResubmitted', fn);
  try {
    events.publish('recordsResubmitted', { count: 3 });
  } finally {
    diagnostics.unsubscribe('kinesis-producer:recordsResubmitted', fn);
  }
  expect(heard).toEqual([{ count: 3 }]);
  expect(published).toEqual([{ producer: emitter, count: 3 }]);
});

test('a channel subscriber alone makes an event wanted', () => {
  const events = new LifecycleEvents(new EventEmitter(), {});
  const fn = () => {};
  diagnostics.subscribe('kinesis-producer:throttling', fn);
  try {
    expect(events.wanted('throttling')).toBe(true);
  } finally {
    diagnostics.unsubscribe('kinesis-producer:throttling', fn);
  }
  expect(events.wanted('throttling')).toBe(false);
});

test('a listener that throws is logged; the caller goes on', () => {
  const emitter = new EventEmitter();
  const errors: string[] = [];
  const events = new LifecycleEvents(emitter, { error: (m) => errors.push(m) });
  emitter.on('recordsResubmitted', () => {
    throw new Error('bug');
  });
  expect(() => events.publish('recordsResubmitted', { count: 1 })).not.toThrow();
  expect(errors).toEqual(["kinesis-producer: a 'recordsResubmitted' listener threw: Error: bug"]);
});
