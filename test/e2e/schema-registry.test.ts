// Records with a Glue Schema Registry schema, on the real path: wrapper (schema lookup against a
// fake Glue that checks signatures, GSR encoding) → daemon → kinesalite; then every record is
// read back, deaggregated independently and decoded with our GSR decoder.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeGsrRecord, isGsrRecord } from '../../packages/aggregation/src/index.js';
import {
  type KinesisProducerOptions,
  type Schema,
  SchemaRegistryError,
  type UserRecordResult,
} from '../../packages/kinesis-producer/src/index.js';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { FakeGlue } from '../support/fake-glue.js';
import { TEST_CREDENTIALS } from '../support/kinesis-client.js';
import { producerFor } from '../support/producer.js';
import { deaggregateAll, readAllRecords, type UserRecordFound } from '../support/read-back.js';
import { waitFor } from '../support/wait.js';

const GLUE_KEY = { accessKeyId: 'AKIDGLUE', secretAccessKey: 'glue-secret' };

// Avro's binary encoding, by hand: int and long are zig-zag varints, a string is its byte length
// (as a long) followed by its UTF-8 bytes, a record is its fields in order.
function zigzag(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
function avroString(s: string): number[] {
  const b = Buffer.from(s, 'utf8');
  return [...zigzag(b.length), ...b];
}
const ORDER: Schema = {
  name: 'Order',
  dataFormat: 'AVRO',
  definition: JSON.stringify({
    type: 'record',
    name: 'Order',
    fields: [
      { name: 'name', type: 'string' },
      { name: 'n', type: 'int' },
    ],
  }),
};
const order = (name: string, n: number) => Buffer.from([...avroString(name), ...zigzag(n)]);

const EVENT: Schema = {
  name: 'Event',
  dataFormat: 'JSON',
  definition: JSON.stringify({ type: 'object', properties: { i: { type: 'integer' } } }),
};
const event = (i: number, pad = 0) => Buffer.from(JSON.stringify({ i, pad: 'ab'.repeat(pad) }));

let emu: Emulator;
let glue: FakeGlue;
let streams = 0;

beforeAll(async () => {
  [emu, glue] = await Promise.all([
    startKinesalite(),
    FakeGlue.start({ credentials: [GLUE_KEY, TEST_CREDENTIALS] }),
  ]);
});
afterAll(async () => {
  await Promise.all([emu?.stop(), glue?.stop()]);
});

async function newStream(shards = 2): Promise<string> {
  const name = `gsr-${++streams}`;
  await createStream(emu, name, shards);
  return name;
}

function producer(schemaRegistry: KinesisProducerOptions['schemaRegistry']) {
  return producerFor(emu.endpoint, {
    schemaRegistry: { endpoint: glue.endpoint, ...schemaRegistry },
    recordMaxBufferedTime: 50,
  });
}

/** Each schema used by a test gets its own name, so Glue's counts belong to that test. */
function renamed(schema: Schema, suffix: string): Schema {
  return { ...schema, name: `${schema.name}-${suffix}` };
}

async function readBack(stream: string): Promise<Map<string, UserRecordFound>> {
  const found = deaggregateAll(await readAllRecords(emu.client, stream));
  const byKey = new Map(found.map((r) => [r.partitionKey, r]));
  expect(byKey.size).toBe(found.length);
  return byKey;
}

function settled<T>(p: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  p.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe.each(['none', 'zlib'] as const)('GSR records with compression %s', (compression) => {
  test('arrive with the header, the schema version UUID and the payload, next to plain records', async () => {
    const stream = await newStream();
    const orderSchema = renamed(ORDER, compression);
    const eventSchema = renamed(EVENT, compression);
    const p = producer({ autoRegistration: true, compression, credentials: GLUE_KEY });
    const sent = new Map<string, { data: Buffer; schema?: Schema }>();
    const results: Promise<UserRecordResult>[] = [];
    try {
      for (let i = 0; i < 300; i++) {
        const partitionKey = `k${i}`;
        // Every third record has no schema; some JSON payloads are large enough (> 64 KiB) to
        // be deflated off the event loop.
        const kind = i % 3;
        const schema = kind === 1 ? orderSchema : kind === 2 ? eventSchema : undefined;
        const data =
          kind === 1 ? order(`order ${i}`, i * 1000 - 7) : event(i, i % 50 === 2 ? 40_000 : i);
        sent.set(partitionKey, { data, schema });
        results.push(p.addUserRecord({ streamName: stream, partitionKey, data, schema }));
      }
      for (const r of await Promise.all(results)) expect(r.successful).toBe(true);
    } finally {
      await p.close();
    }

    const versionOf = (s: Schema) => glue.versions('default-registry', s.name)[0]!.id;
    const found = await readBack(stream);
    expect(found.size).toBe(sent.size);
    for (const [key, { data, schema }] of sent) {
      const got = found.get(key)!.data;
      if (!schema) {
        expect(got.equals(data)).toBe(true);
        continue;
      }
      expect(isGsrRecord(got)).toBe(true);
      expect([got[0], got[1]]).toEqual([3, compression === 'zlib' ? 5 : 0]);
      const decoded = decodeGsrRecord(got);
      expect(decoded.schemaVersionId).toBe(versionOf(schema));
      expect(decoded.compression).toBe(compression);
      expect(decoded.data.equals(data)).toBe(true);
      if (compression === 'none') {
        const uuid = Buffer.from(versionOf(schema).replaceAll('-', ''), 'hex');
        expect(got.equals(Buffer.concat([Buffer.from([3, 0]), uuid, data]))).toBe(true);
      }
    }

    // 200 records with two new schemas, all added before any lookup could answer: one
    // lookup and one registration per schema, signed with the schema registry's own key.
    for (const s of [orderSchema, eventSchema]) {
      expect(glue.count('GetSchemaByDefinition', s.name)).toBe(1);
      expect(glue.count('CreateSchema', s.name)).toBe(1);
      expect(glue.versions('default-registry', s.name)).toHaveLength(1);
    }
    const ours = glue.calls.filter((c) =>
      [orderSchema.name, eventSchema.name].includes(
        String((c.input.SchemaId as { SchemaName?: string })?.SchemaName ?? c.input.SchemaName),
      ),
    );
    expect(ours.every((c) => c.accessKeyId === GLUE_KEY.accessKeyId)).toBe(true);
  });
});

test('golden bytes: the Avro record {name: "x", n: 1} arrives exactly as worked out by hand', async () => {
  const stream = await newStream(1);
  const schema = renamed(ORDER, 'golden');
  glue.register(
    'default-registry',
    schema.name,
    'AVRO',
    schema.definition,
    'b7b4a7f0-9c96-4e4a-a687-fb5de9ef0c63',
  );
  // {name: "x"}: length 1 zig-zagged → 02, then "x" → 78; {n: 1}: zig-zag 1 → 02.
  expect(order('x', 1).toString('hex')).toBe('027802');
  for (const compression of ['none', 'zlib'] as const) {
    const p = producer({ compression, credentials: GLUE_KEY });
    try {
      const r = await p.addUserRecord({
        streamName: stream,
        partitionKey: `golden-${compression}`,
        data: order('x', 1),
        schema,
      });
      expect(r.successful).toBe(true);
    } finally {
      await p.close();
    }
  }
  const found = await readBack(stream);
  // 03 | 00 | UUID | Avro bytes
  expect(found.get('golden-none')!.data.toString('hex')).toBe(
    '0300b7b4a7f09c964e4aa687fb5de9ef0c63027802',
  );
  // 03 | 05 | UUID | zlib: 78 9c, fixed-Huffman block 63 aa 60 02 00, Adler-32 00 fb 00 7d
  expect(found.get('golden-zlib')!.data.toString('hex')).toBe(
    '0305b7b4a7f09c964e4aa687fb5de9ef0c63789c63aa60020000fb007d',
  );
});

test('a Glue failure fails only the records with that schema; the others arrive', async () => {
  const stream = await newStream();
  const broken = renamed(ORDER, 'broken');
  const fine = renamed(EVENT, 'fine');
  glue.failSchema(broken.name, 'AccessDeniedException', 400);
  const p = producer({ autoRegistration: true });
  const outcomes: { key: string; kind: string; result: ReturnType<typeof settled> }[] = [];
  try {
    for (let i = 0; i < 60; i++) {
      const kind = ['broken', 'fine', 'plain'][i % 3]!;
      const schema = kind === 'broken' ? broken : kind === 'fine' ? fine : undefined;
      const key = `${kind}-${i}`;
      const data = kind === 'broken' ? order('b', i) : event(i);
      const r = p.addUserRecord({ streamName: stream, partitionKey: key, data, schema });
      outcomes.push({ key, kind, result: settled(r) });
    }
    await waitFor('every record to settle', () => outcomes.every((o) => o.result.done));
  } finally {
    glue.clearFailures();
    await p.close();
  }
  for (const o of outcomes) {
    if (o.kind !== 'broken') {
      expect([o.key, (o.result.value as UserRecordResult | undefined)?.successful]).toEqual([
        o.key,
        true,
      ]);
      continue;
    }
    const err = o.result.error as SchemaRegistryError;
    expect(err).toBeInstanceOf(SchemaRegistryError);
    expect(err.schemaName).toBe(broken.name);
    expect(err.message).toContain(`schema "${broken.name}"`);
    expect(err.message).toContain('AccessDeniedException');
    expect(err.userRecord?.partitionKey).toBe(o.key);
  }
  const found = await readBack(stream);
  expect([...found.keys()].sort()).toEqual(
    outcomes
      .filter((o) => o.kind !== 'broken')
      .map((o) => o.key)
      .sort(),
  );
});

test('records without a schema are not held up by a pending lookup; schema records keep their order', async () => {
  const stream = await newStream(1);
  const slow = renamed(ORDER, 'slow');
  const known = renamed(EVENT, 'known');
  glue.register('default-registry', slow.name, 'AVRO', slow.definition);
  glue.register('default-registry', known.name, 'JSON', known.definition);
  const p = producer({});
  let release = () => {};
  try {
    // Learn the "known" schema's version first.
    await p.addUserRecord({
      streamName: stream,
      partitionKey: 'warm',
      data: event(0),
      schema: known,
    });
    release = glue.hold(slow.name);
    const first = settled(
      p.addUserRecord({
        streamName: stream,
        partitionKey: 'pk',
        data: order('first', 1),
        schema: slow,
      }),
    );
    const second = settled(
      p.addUserRecord({ streamName: stream, partitionKey: 'pk', data: event(2), schema: known }),
    );
    const plain = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        p.addUserRecord(stream, `plain-${i}`, Buffer.from(`plain ${i}`)),
      ),
    );
    expect(plain.every((r) => r.successful)).toBe(true);
    // The lookup is still held by Glue, and the record behind it waits too.
    expect(glue.heldCalls(slow.name)).toBe(1);
    expect([first.done, second.done]).toEqual([false, false]);
    release();
    await waitFor('both schema records to settle', () => first.done && second.done);
    expect((first.value as UserRecordResult).successful).toBe(true);
    expect((second.value as UserRecordResult).successful).toBe(true);
  } finally {
    release();
    await p.close();
  }
  // One shard, read in sequence order: the record held behind the lookup came after it.
  const samePk = deaggregateAll(await readAllRecords(emu.client, stream)).filter(
    (r) => r.partitionKey === 'pk',
  );
  expect(samePk.map((r) => decodeGsrRecord(r.data).data.toString('hex'))).toEqual([
    order('first', 1).toString('hex'),
    event(2).toString('hex'),
  ]);
});

test('flushSync and close wait for records still waiting on their schema version', async () => {
  const stream = await newStream(1);
  const slow = renamed(ORDER, 'flushed');
  glue.register('default-registry', slow.name, 'AVRO', slow.definition);
  const p = producer({});
  const release = glue.hold(slow.name);
  const pending = settled(
    p.addUserRecord({
      streamName: stream,
      partitionKey: 'pk',
      data: order('held', 1),
      schema: slow,
    }),
  );
  let flushed = false;
  const flush = p.flushSync().then(() => {
    flushed = true;
  });
  await waitFor('the lookup to reach Glue', () => glue.heldCalls(slow.name) === 1);
  expect(flushed).toBe(false);
  release();
  await flush;
  expect(pending.done).toBe(true);
  expect((pending.value as UserRecordResult).successful).toBe(true);
  await p.close();
  const found = deaggregateAll(await readAllRecords(emu.client, stream));
  expect(found.map((r) => decodeGsrRecord(r.data).data.toString('hex'))).toEqual([
    order('held', 1).toString('hex'),
  ]);
});

test('with auto-registration off an unknown schema fails clearly; a registered one is used', async () => {
  const stream = await newStream(1);
  const unknown = renamed(ORDER, 'unregistered');
  const registered = renamed(EVENT, 'registered');
  const id = glue.register('default-registry', registered.name, 'JSON', registered.definition);
  // No schemaRegistry.credentials: the producer's credentials sign the Glue calls.
  const p = producer({ autoRegistration: false });
  try {
    const err = await p
      .addUserRecord({
        streamName: stream,
        partitionKey: 'u',
        data: order('u', 1),
        schema: unknown,
      })
      .then(
        () => undefined,
        (e: unknown) => e as SchemaRegistryError,
      );
    expect(err).toBeInstanceOf(SchemaRegistryError);
    expect(err!.code).toBe('ERR_SCHEMA_REGISTRY');
    expect(err!.schemaName).toBe(unknown.name);
    expect(err!.message).toMatch(/not registered .*autoRegistration is off/);
    const ok = await p.addUserRecord({
      streamName: stream,
      partitionKey: 'r',
      data: event(1),
      schema: registered,
    });
    expect(ok.successful).toBe(true);
  } finally {
    await p.close();
  }
  expect(glue.count('CreateSchema', unknown.name)).toBe(0);
  expect(glue.count('RegisterSchemaVersion', unknown.name)).toBe(0);
  expect(glue.count('CreateSchema', registered.name)).toBe(0);
  const signers = glue.calls
    .filter((c) => (c.input.SchemaId as { SchemaName?: string })?.SchemaName === registered.name)
    .map((c) => c.accessKeyId);
  expect(signers).toEqual([TEST_CREDENTIALS.accessKeyId]);
  const found = await readBack(stream);
  expect([...found.keys()]).toEqual(['r']);
  expect(decodeGsrRecord(found.get('r')!.data).schemaVersionId).toBe(id);
});

test('a record with an invalid schema fails at once and never reaches Glue', async () => {
  const p = producer({ autoRegistration: true });
  const before = glue.calls.length;
  try {
    await expect(
      p.addUserRecord({
        streamName: 's',
        partitionKey: 'k',
        data: 'x',
        schema: { name: 'bad', definition: '{}', dataFormat: 'XML' as never },
      }),
    ).rejects.toMatchObject({ field: 'schema.dataFormat' });
  } finally {
    await p.close();
  }
  expect(glue.calls.length).toBe(before);
});
