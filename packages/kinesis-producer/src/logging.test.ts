import { describe, expect, test } from '@jest/globals';
import type { Logger } from '@kinesis-producer/options';
import { forwardDaemonLine, leveled } from './logging.js';

class Recorder implements Logger {
  lines: string[] = [];
  trace(m: string) {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string) {
    this.lines.push(`debug ${m}`);
  }
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
}

describe('leveled', () => {
  test('drops the levels under the threshold and keeps `this` for the others', () => {
    const r = new Recorder();
    const l = leveled(r, 'warning');
    expect([l.trace, l.debug, l.info]).toEqual([undefined, undefined, undefined]);
    l.warn?.('w');
    l.error?.('e');
    expect(r.lines).toEqual(['warn w', 'error e']);
  });

  test('trace keeps everything; a logger without a level simply lacks it', () => {
    const r = new Recorder();
    expect(Object.keys(leveled(r, 'trace'))).toEqual(['trace', 'debug', 'info', 'warn', 'error']);
    expect(Object.keys(leveled({ info: () => {} }, 'trace'))).toEqual(['info']);
  });
});

describe('forwardDaemonLine', () => {
  test("each line goes to its level, marked as the daemon's", () => {
    const r = new Recorder();
    for (const line of ['trace t', 'debug d', 'info i', 'warn w', 'error e', 'fatal CONFIG: x']) {
      forwardDaemonLine(r, line);
    }
    expect(r.lines).toEqual([
      'trace kinesis-producer daemon: t',
      'debug kinesis-producer daemon: d',
      'info kinesis-producer daemon: i',
      'warn kinesis-producer daemon: w',
      'error kinesis-producer daemon: e',
      'error kinesis-producer daemon: CONFIG: x',
    ]);
  });

  test('a line without a known level (a crash trace) is an error, kept whole', () => {
    const r = new Recorder();
    forwardDaemonLine(r, 'TypeError: boom');
    forwardDaemonLine(r, 'constructor x');
    expect(r.lines).toEqual([
      'error kinesis-producer daemon: TypeError: boom',
      'error kinesis-producer daemon: constructor x',
    ]);
  });
});
