// The daemon's stderr reaches the user's logger at the level of each line, under the threshold
// of logLevel, and stays quiet: a handful of lines per run, never one per record.
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from '@jest/globals';
import type { KinesisProducer, Logger } from '../../packages/kinesis-producer/src/index.js';
import { producerInternals } from '../../packages/kinesis-producer/src/test-hook.js';
import { FakeKinesis } from '../support/fake-kinesis.js';
import { producerFor, tearDown } from '../support/producer.js';
import { sendRecords } from '../support/send-records.js';
import { waitFor } from '../support/wait.js';

let fake: FakeKinesis | undefined;
let producer: KinesisProducer | undefined;
afterEach(async () => {
  await tearDown(producer, fake);
  producer = fake = undefined;
});

/** A pino-like logger: methods that need `this`, one list of [level, message]. */
class Capture implements Logger {
  readonly lines: [string, string][] = [];
  trace(m: string) {
    this.lines.push(['trace', m]);
  }
  debug(m: string) {
    this.lines.push(['debug', m]);
  }
  info(m: string) {
    this.lines.push(['info', m]);
  }
  warn(m: string) {
    this.lines.push(['warn', m]);
  }
  error(m: string) {
    this.lines.push(['error', m]);
  }
  at(level: string): string[] {
    return this.lines.filter(([l]) => l === level).map(([, m]) => m);
  }
}

test('at trace level a throttled run of 5,000 records logs a few lines, none per record', async () => {
  // 1 KiB records, packed into about a hundred Kinesis records: the first 50 sent are throttled.
  // Each throttled window cuts the shards' rate, and a busy machine spreads the throttles over
  // more windows: the records get all the time they need, since what is checked is the log.
  const THROTTLED = 50;
  fake = await FakeKinesis.start({ streams: { s: 2 }, throttle: { firstEntries: THROTTLED } });
  const log = new Capture();
  producer = producerFor(fake.endpoint, { logLevel: 'trace', logger: log, recordTtl: 300_000 });
  const run = sendRecords(producer, 's', 5000, { size: 1024 });
  await producer.flushSync();
  await run.done;
  expect(run.failed.map((f) => f.err.message)).toEqual([]);
  expect(fake.stats.throttledEntries).toBe(THROTTLED);
  // The daemon's own lines arrive at their level, marked as the daemon's.
  expect(log.at('debug')).toContain('kinesis-producer daemon: configured');
  expect(log.lines.length).toBeLessThan(20);
});

test('logLevel is the threshold for the daemon and the wrapper alike', async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
  const log = new Capture();
  producer = producerFor(fake.endpoint, { logLevel: 'warning', logger: log });
  await producer.addUserRecord('s', 'k', 'before');
  const pid = producerInternals(producer).daemonPid!;
  process.kill(pid, 'SIGKILL');
  await waitFor('the restart', () => log.at('warn').some((m) => m.includes('restarting it')));
  await expect(producer.addUserRecord('s', 'k', 'after')).resolves.toMatchObject({
    successful: true,
  });
  expect(log.at('warn').find((m) => m.includes('restarting it'))).toMatch(
    /daemon was killed by SIGKILL; restarting it in \d+ ms/,
  );
  // Below the threshold: neither the daemon's "configured" nor the wrapper's "restarted".
  expect(log.lines.filter(([l]) => l !== 'warn' && l !== 'error')).toEqual([]);
});

test("a process warning in the daemon (the AWS SDK's Node version notice) is one warn line", async () => {
  fake = await FakeKinesis.start({ streams: { s: 1 } });
  const log = new Capture();
  producer = producerFor(fake.endpoint, {
    logger: log,
    nativeExecutable: fileURLToPath(new URL('../support/warning-daemon.cjs', import.meta.url)),
  });
  await expect(producer.addUserRecord('s', 'k', 'x')).resolves.toMatchObject({ successful: true });
  await producer.flushSync();
  expect(log.at('warn')).toContain(
    'kinesis-producer daemon: TestWarning: first line | second line | third line',
  );
  expect(log.lines.filter(([, m]) => /second line|third line/.test(m))).toHaveLength(1);
  // Node's own printing of warnings, one raw line each (on Node 20 the AWS SDK's notice about
  // Node versions would be such lines), never reaches the logger.
  expect(log.lines.filter(([, m]) => /\(node:\d+\)|--trace-warnings/.test(m))).toEqual([]);
});
