// The lookup against a fake Glue that speaks the real protocol and checks signatures.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  defaultSchemaRegistrySettings,
  type SchemaRegistrySettings,
} from '@kinesis-producer/options';
import { FakeGlue } from '../../../../test/support/fake-glue.js';
import { SchemaRegistryError } from '../errors.js';
import type { Schema } from '../types.js';
import { createGlueClient } from './glue-client.js';
import { SchemaVersions } from './schema-versions.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const KEY = { accessKeyId: 'AKIDGLUE', secretAccessKey: 'glue-secret' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let glue: FakeGlue;
const opened: SchemaVersions[] = [];

beforeAll(async () => {
  glue = await FakeGlue.start({ credentials: [KEY] });
});
afterAll(async () => {
  for (const v of opened) v.close();
  await glue.stop();
});

function versions(overrides: Partial<SchemaRegistrySettings> = {}): SchemaVersions {
  const s: SchemaRegistrySettings = {
    ...defaultSchemaRegistrySettings(),
    endpoint: glue.endpoint,
    region: 'us-east-1',
    credentials: KEY,
    ...overrides,
  };
  const v = new SchemaVersions(s, () => createGlueClient(s, {}));
  opened.push(v);
  return v;
}

let n = 0;
function avro(name = `s${++n}`, field = 'a'): Schema {
  return {
    name,
    dataFormat: 'AVRO',
    definition: JSON.stringify({
      type: 'record',
      name: 'R',
      fields: [{ name: field, type: 'string' }],
    }),
  };
}

async function rejection(p: Promise<unknown>): Promise<SchemaRegistryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SchemaRegistryError);
  return err as SchemaRegistryError;
}

describe('schema version lookup', () => {
  test('a registered definition is found by GetSchemaByDefinition alone, then cached', async () => {
    const schema = avro();
    const id = glue.register('default-registry', schema.name, 'AVRO', schema.definition);
    const v = versions();
    expect(v.known(schema)).toBeUndefined();
    expect(await v.lookup(schema)).toBe(id);
    expect(v.known(schema)).toBe(id);
    // A different object with the same fields uses the same entry.
    expect(v.known({ ...schema })).toBe(id);
    expect(await v.lookup({ ...schema })).toBe(id);
    expect(glue.count('GetSchemaByDefinition', schema.name)).toBe(1);
    expect(glue.count('CreateSchema', schema.name)).toBe(0);
    expect(glue.calls.every((c) => c.accessKeyId === KEY.accessKeyId)).toBe(true);
  });

  test('concurrent first uses share one lookup', async () => {
    const schema = avro();
    const v = versions({ autoRegistration: true });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => v.lookup(i % 2 ? schema : { ...schema })),
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(UUID);
    expect(glue.count('GetSchemaByDefinition', schema.name)).toBe(1);
    expect(glue.count('CreateSchema', schema.name)).toBe(1);
    expect(glue.versions('default-registry', schema.name).map((x) => x.id)).toEqual([ids[0]]);
  });

  test('auto-registration creates an unknown schema with the configured compatibility', async () => {
    const schema = avro();
    const v = versions({ autoRegistration: true, compatibility: 'FULL' });
    const id = await v.lookup(schema);
    const create = glue.calls.find(
      (c) => c.operation === 'CreateSchema' && c.input.SchemaName === schema.name,
    );
    expect(create?.input).toMatchObject({
      RegistryId: { RegistryName: 'default-registry' },
      DataFormat: 'AVRO',
      Compatibility: 'FULL',
      SchemaDefinition: schema.definition,
    });
    expect(glue.versions('default-registry', schema.name)[0]!.id).toBe(id);
  });

  test('a new definition of a known schema becomes a new version, polled until AVAILABLE', async () => {
    const first = avro();
    glue.register('default-registry', first.name, 'AVRO', first.definition);
    const second = avro(first.name, 'b');
    glue.newVersionPendingChecks = 2;
    try {
      const id = await versions({ autoRegistration: true }).lookup(second);
      const stored = glue.versions('default-registry', first.name);
      expect(stored.map((x) => [x.number, x.status])).toEqual([
        [1, 'AVAILABLE'],
        [2, 'AVAILABLE'],
      ]);
      expect(stored[1]!.id).toBe(id);
      expect(glue.count('CreateSchema', first.name)).toBe(0);
      expect(glue.count('RegisterSchemaVersion', first.name)).toBe(1);
      expect(
        glue.calls.filter(
          (c) => c.operation === 'GetSchemaVersion' && c.input.SchemaVersionId === id,
        ).length,
      ).toBe(2);
    } finally {
      glue.newVersionPendingChecks = 0;
    }
  });

  test('a version that fails its compatibility check fails the lookup and names the schema', async () => {
    const first = avro();
    glue.register('default-registry', first.name, 'AVRO', first.definition);
    glue.newVersionPendingChecks = 1;
    glue.newVersionSettlesAs = 'FAILURE';
    try {
      const err = await rejection(
        versions({ autoRegistration: true }).lookup(avro(first.name, 'c')),
      );
      expect(err.schemaName).toBe(first.name);
      expect(err.message).toContain(`schema "${first.name}" (AVRO)`);
      expect(err.message).toContain('FAILURE');
    } finally {
      glue.newVersionPendingChecks = 0;
      glue.newVersionSettlesAs = 'AVAILABLE';
    }
  });

  test('with auto-registration off an unknown schema fails clearly and registers nothing', async () => {
    const schema = avro();
    const err = await rejection(versions().lookup(schema));
    expect(err.code).toBe('ERR_SCHEMA_REGISTRY');
    expect(err.schemaName).toBe(schema.name);
    expect(err.registryName).toBe('default-registry');
    expect(err.message).toContain('autoRegistration is off');
    expect(err.message).toContain('Schema is not found.');
    expect((err.cause as Error).name).toBe('EntityNotFoundException');
    expect(glue.count('CreateSchema', schema.name)).toBe(0);
    expect(glue.count('RegisterSchemaVersion', schema.name)).toBe(0);
    expect(glue.versions('default-registry', schema.name)).toEqual([]);
  });

  test('a failed lookup is not cached: the next use asks again', async () => {
    const schema = avro();
    const v = versions({ autoRegistration: true });
    glue.failSchema(schema.name, 'ThrottlingException', 400);
    try {
      const err = await rejection(v.lookup(schema));
      expect(err.message).toContain('ThrottlingException');
    } finally {
      glue.clearFailures();
    }
    expect(v.known(schema)).toBeUndefined();
    expect(await v.lookup(schema)).toMatch(UUID);
  });

  test('a schema created by another producer in between is registered instead', async () => {
    const schema = avro();
    const v = versions({ autoRegistration: true });
    // Glue said "Schema is not found."; hold our CreateSchema while another producer creates it.
    const release = glue.hold(schema.name, 'CreateSchema');
    const lookup = v.lookup(schema);
    await waitUntil(() => glue.heldCalls(schema.name) === 1);
    glue.register('default-registry', schema.name, 'AVRO', '{"type":"string"}');
    release();
    const id = await lookup;
    expect(glue.count('CreateSchema', schema.name)).toBe(1);
    expect(glue.count('RegisterSchemaVersion', schema.name)).toBe(1);
    expect(glue.versions('default-registry', schema.name).map((x) => x.id)[1]).toBe(id);
  });

  test('a definition Glue knows under another schema name is a schema of its own', async () => {
    const schema = avro();
    const other = { ...schema, name: `${schema.name}-other` };
    const v = versions({ autoRegistration: true });
    const [a, b] = await Promise.all([v.lookup(schema), v.lookup(other)]);
    expect(a).not.toBe(b);
    expect(glue.count('CreateSchema', schema.name)).toBe(1);
    expect(glue.count('CreateSchema', other.name)).toBe(1);
  });

  test('a request signed with unknown credentials is refused, and the error says so', async () => {
    const schema = avro();
    const err = await rejection(
      versions({ credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } }).lookup(schema),
    );
    expect(err.message).toContain('UnrecognizedClientException');
    expect(glue.refused.some((r) => r.type === 'UnrecognizedClientException')).toBe(true);
  });

  test('a registry that does not exist fails with Glue’s message', async () => {
    const err = await rejection(
      versions({ registryName: 'no-such-registry', autoRegistration: true }).lookup(avro()),
    );
    expect(err.registryName).toBe('no-such-registry');
    expect(err.message).toContain('Registry is not found.');
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
