// Bad input fails at the call site with a typed error naming the field, and never disturbs
// the good records already in flight.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ValidationError } from '../../packages/kinesis-producer/src/index.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { expectDelivered, payload, producerFor } from '../support/producer.js';
import type { SentRecord } from '../support/verify.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startKinesalite();
  await createStream(emu, 'v', 2);
});
afterAll(async () => {
  await emu?.stop();
});

const MAX = 2n ** 128n - 1n;

const bad: { name: string; field: string; call: [unknown, unknown, unknown, unknown?] }[] = [
  { name: 'empty stream name', field: 'streamName', call: ['', 'pk', 'x'] },
  { name: 'blank stream name', field: 'streamName', call: ['   ', 'pk', 'x'] },
  { name: 'stream name not a string', field: 'streamName', call: [42, 'pk', 'x'] },
  { name: 'empty partition key', field: 'partitionKey', call: ['v', '', 'x'] },
  {
    name: 'partition key of 257 characters',
    field: 'partitionKey',
    call: ['v', 'k'.repeat(257), 'x'],
  },
  {
    name: 'partition key of 129 emoji (258 UTF-16 code units)',
    field: 'partitionKey',
    // 129 emoji are 258 UTF-16 code units: Kinesis counts units, not characters.
    call: ['v', '🎉'.repeat(129), 'x'],
  },
  { name: 'partition key not a string', field: 'partitionKey', call: ['v', 7, 'x'] },
  { name: 'data over 1 MiB', field: 'data', call: ['v', 'pk', Buffer.alloc(1024 * 1024 + 1)] },
  {
    name: 'string data over 1 MiB once UTF-8 encoded',
    field: 'data',
    call: ['v', 'pk', 'é'.repeat(512 * 1024 + 1)],
  },
  { name: 'data of the wrong type', field: 'data', call: ['v', 'pk', { not: 'bytes' }] },
  { name: 'hash key not a number', field: 'explicitHashKey', call: ['v', 'pk', 'x', 'abc'] },
  { name: 'negative hash key', field: 'explicitHashKey', call: ['v', 'pk', 'x', '-1'] },
  {
    name: 'hash key above 2^128-1',
    field: 'explicitHashKey',
    call: ['v', 'pk', 'x', (MAX + 1n).toString()],
  },
  { name: 'hash key with a fraction', field: 'explicitHashKey', call: ['v', 'pk', 'x', '1.5'] },
  { name: 'hash key in hex', field: 'explicitHashKey', call: ['v', 'pk', 'x', '0x10'] },
];

test('each bad input is rejected with a ValidationError while good records still arrive', async () => {
  const producer = producerFor(emu.endpoint);
  const sent: SentRecord[] = [];
  const good: Promise<unknown>[] = [];
  const add = (i: number, pk: string, ehk?: string) => {
    const rec: SentRecord = {
      partitionKey: pk,
      explicitHashKey: ehk,
      data: payload(i, 50 + (i % 200)),
    };
    sent.push(rec);
    good.push(
      producer.addUserRecord({ streamName: 'v', ...rec }).then((r) => {
        rec.result = r;
      }),
    );
  };
  try {
    let i = 0;
    for (const b of bad) {
      for (let k = 0; k < 200; k++) add(i++, `key-${i}`);
      const call = producer.addUserRecord(...(b.call as [string, string, string, string?]));
      await expect(call).rejects.toBeInstanceOf(ValidationError);
      const err = (await call.catch((e) => e)) as ValidationError;
      expect(err.field).toBe(b.field);
      expect(err.code).toBe('ERR_INVALID_ARGUMENT');
      expect(err.message).toContain(b.field);
    }
    // The edges of what is allowed are accepted.
    add(i++, 'k'.repeat(256));
    add(i++, '🎉'.repeat(128));
    add(i++, 'edge-0', '0');
    add(i++, 'edge-max', MAX.toString());
    add(i++, 'edge-zeros', '000123');
    const exact: SentRecord = { partitionKey: 'one-mib', data: payload(i++, 1024 * 1024) };
    sent.push(exact);
    good.push(
      producer.addUserRecord('v', exact.partitionKey, exact.data).then((r) => (exact.result = r)),
    );
    await producer.flushSync();
    await Promise.all(good);
  } finally {
    await producer.close();
  }
  // The explicit hash key "000123" is sent normalized; routing is by its value.
  const check = await expectDelivered(emu, 'v', sent);
  expect(check.userRecords).toBe(sent.length);
});

test('a record object with a bad field is rejected the same way', async () => {
  const producer = producerFor(emu.endpoint);
  try {
    await expect(
      producer.addUserRecord({
        streamName: 'v',
        partitionKey: 'pk',
        data: 'x',
        explicitHashKey: 'nope',
      }),
    ).rejects.toMatchObject({ field: 'explicitHashKey', value: 'nope' });
    await expect(producer.addUserRecord(undefined as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
  } finally {
    await producer.close();
  }
});
