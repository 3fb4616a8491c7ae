// The holding queue in front of the producer's add path, against a fake Glue; the producer side
// is a recorder of what would be handed to the daemon.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeGsrRecord } from '@kinesis-producer/aggregation';
import { type KinesisProducerOptions, resolveOptions } from '@kinesis-producer/options';
import { FakeGlue } from '../../../../test/support/fake-glue.js';
import { BufferFullError } from '../errors.js';
import type { Schema, UserRecord, UserRecordResult } from '../types.js';
import { SYNC_DEFLATE_LIMIT } from './encode.js';
import { type ProducerSide, SchemaRecords } from './schema-records.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const KEY = { accessKeyId: 'AKIDGLUE', secretAccessKey: 'glue-secret' };
let glue: FakeGlue;
const opened: SchemaRecords[] = [];

beforeAll(async () => {
  glue = await FakeGlue.start({ credentials: [KEY] });
});
afterAll(async () => {
  for (const s of opened) s.close();
  await glue.stop();
});

class Recorder implements ProducerSide {
  readonly added: UserRecord[] = [];
  outstanding = 0;
  addUserRecord(record: UserRecord): Promise<UserRecordResult> {
    this.added.push(record);
    return Promise.resolve({ successful: true, attempts: [] });
  }
  getOutstandingRecordsCount(): number {
    return this.outstanding;
  }
}

let n = 0;
function registered(): Schema {
  const schema: Schema = { name: `held${++n}`, dataFormat: 'JSON', definition: `{"n":${n}}` };
  glue.register('default-registry', schema.name, 'JSON', schema.definition);
  return schema;
}

function setup(options: KinesisProducerOptions = {}) {
  const producer = new Recorder();
  const { settings } = resolveOptions({
    region: 'us-east-1',
    credentials: KEY,
    ...options,
    schemaRegistry: { endpoint: glue.endpoint, ...options.schemaRegistry },
  });
  const records = new SchemaRecords(producer, settings);
  opened.push(records);
  return { producer, records };
}

const rec = (partitionKey: string, data: Buffer, schema: Schema): UserRecord => ({
  streamName: 's',
  partitionKey,
  data,
  schema,
});

describe('records waiting for their schema', () => {
  test('are handed over in order once the version is known, and idle() says when', async () => {
    const { producer, records } = setup();
    const schema = registered();
    const release = glue.hold(schema.name);
    const results = [1, 2, 3].map((i) =>
      records.add(rec(`k${i}`, Buffer.from(`{"i":${i}}`), schema)),
    );
    expect(records.heldCount).toBe(3);
    let idle = false;
    const drained = records.idle().then(() => (idle = true));
    await waitUntil(() => glue.heldCalls(schema.name) === 1);
    expect([producer.added.length, idle]).toEqual([0, false]);
    release();
    await drained;
    await Promise.all(results);
    expect(producer.added.map((r) => r.partitionKey)).toEqual(['k1', 'k2', 'k3']);
    for (const r of producer.added) {
      expect(r.schema).toBeUndefined();
      expect(decodeGsrRecord(r.data as Buffer).schemaVersionId).toBe(
        glue.versions('default-registry', schema.name)[0]!.id,
      );
    }
    // Known now: the next record is handed over within the call.
    void records.add(rec('k4', Buffer.from('{}'), schema));
    expect(producer.added.at(-1)?.partitionKey).toBe('k4');
  });

  test('a large zlib payload is deflated off the event loop, and what follows waits for it', async () => {
    const { producer, records } = setup({ schemaRegistry: { compression: 'zlib' } });
    const schema = registered();
    await records.add(rec('warm', Buffer.from('{}'), schema));
    const big = Buffer.concat([randomBytes(1000), Buffer.alloc(SYNC_DEFLATE_LIMIT * 2, 'a')]);
    const first = records.add(rec('big', big, schema));
    // Same schema, already known and small: it would go at once, but the big one is ahead.
    const second = records.add(rec('small', Buffer.from('{"s":1}'), schema));
    expect(producer.added.map((r) => r.partitionKey)).toEqual(['warm']);
    expect(records.heldCount).toBe(2);
    await Promise.all([first, second]);
    expect(producer.added.map((r) => r.partitionKey)).toEqual(['warm', 'big', 'small']);
    const decoded = decodeGsrRecord(producer.added[1]!.data as Buffer);
    expect(decoded.compression).toBe('zlib');
    expect(decoded.data.equals(big)).toBe(true);
  });

  test('count against maxOutstandingRecords with the producer’s own, and are refused past it', async () => {
    const { producer, records } = setup({ maxOutstandingRecords: 5 });
    producer.outstanding = 3;
    const schema = registered();
    const release = glue.hold(schema.name);
    const a = records.add(rec('a', Buffer.from('{}'), schema));
    const b = records.add(rec('b', Buffer.from('{}'), schema));
    const refused = await records.add(rec('c', Buffer.from('{}'), schema)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(BufferFullError);
    expect((refused as BufferFullError).limit).toBe('maxOutstandingRecords');
    expect((refused as BufferFullError).userRecord.partitionKey).toBe('c');
    release();
    await Promise.all([a, b]);
    expect(producer.added.map((r) => r.partitionKey)).toEqual(['a', 'b']);
  });

  test('count their bytes against maxOutstandingBytes', async () => {
    const { records } = setup({ maxOutstandingBytes: 2048 });
    const schema = registered();
    const release = glue.hold(schema.name);
    const a = records.add(rec('a', Buffer.alloc(1500, 'x'), schema));
    const refused = await records.add(rec('b', Buffer.alloc(1000, 'y'), schema)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as BufferFullError).limit).toBe('maxOutstandingBytes');
    release();
    await a;
  });

  test('without compression, data that the header would push past maxUserRecordSize is refused', async () => {
    const { records } = setup({ maxUserRecordSize: 1024 });
    const schema = registered();
    await expect(records.add(rec('a', Buffer.alloc(1024 - 18), schema))).resolves.toMatchObject({
      successful: true,
    });
    await expect(records.add(rec('b', Buffer.alloc(1024 - 17), schema))).rejects.toMatchObject({
      field: 'data',
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
