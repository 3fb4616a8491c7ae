// A short job adds its records to a new producer and flushes at once, before the daemon has the
// stream's shard map. The flush must wait for the map and aggregate, not send every record alone.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import type { SentRecord } from '../support/verify.js';

const RECORDS = 10_000;
const KEYS = 500;

describe('a flush before the first shard map', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startKinesalite();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  // The records' own deadline is long, so only the flush could send them before the map comes:
  // the outcome does not depend on how fast ListShards answers on this machine.
  test.each([
    ['flush()', 'flush'],
    ['flushSync()', 'flushSync'],
  ] as const)('%s on a new producer still aggregates', async (_name, how) => {
    const stream = `first-${how}`;
    await createStream(emu, stream, 4);
    const producer = producerFor(emu.endpoint, { recordMaxBufferedTime: 60_000 });
    const sent: SentRecord[] = [];
    const done: Promise<unknown>[] = [];
    try {
      for (let i = 0; i < RECORDS; i++) {
        const rec: SentRecord = { partitionKey: `key-${i % KEYS}`, data: payload(i, 100) };
        sent.push(rec);
        done.push(
          producer.addUserRecord(stream, rec.partitionKey, rec.data).then((r) => {
            rec.result = r;
          }),
        );
      }
      if (how === 'flush') producer.flush();
      else await producer.flushSync();
      await Promise.all(done);
    } finally {
      await producer.close();
    }
    const check = await expectDelivered(emu, stream, sent);
    expect(check.userRecords).toBe(RECORDS);
    expect(check.duplicates).toBe(0);
    // 10,000 records of about 110 bytes in 4 shards fill a few dozen aggregates, not 10,000.
    expect(check.kinesisRecords).toBeLessThan(100);
  });
});
