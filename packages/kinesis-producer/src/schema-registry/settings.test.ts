import { describe, expect, test } from '@jest/globals';
import { resolveOptions } from '@kinesis-producer/options';
import { InvalidOptionError, ValidationError } from '../errors.js';
import { checkSchema } from './check-schema.js';

function optionError(schemaRegistry: unknown): InvalidOptionError {
  try {
    resolveOptions({ schemaRegistry } as never);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    return err as InvalidOptionError;
  }
  throw new Error('accepted');
}

describe('the schemaRegistry option', () => {
  test('absent: no settings, records with a schema use the defaults', () => {
    expect(resolveOptions({}).settings.schemaRegistry).toBeUndefined();
  });

  test('given: defaults filled in, a host endpoint becomes an HTTPS origin', () => {
    const creds = { accessKeyId: 'A', secretAccessKey: 'S' };
    expect(
      resolveOptions({
        schemaRegistry: { endpoint: 'glue.example.com', region: 'eu-west-1', credentials: creds },
      }).settings.schemaRegistry,
    ).toEqual({
      registryName: 'default-registry',
      autoRegistration: false,
      compression: 'none',
      compatibility: 'BACKWARD',
      endpoint: 'https://glue.example.com',
      region: 'eu-west-1',
      credentials: creds,
    });
    expect(
      resolveOptions({
        schemaRegistry: {
          registryName: 'orders',
          autoRegistration: true,
          compression: 'zlib',
          compatibility: 'FULL_ALL',
          endpoint: 'http://127.0.0.1:4566/',
        },
      }).settings.schemaRegistry,
    ).toEqual({
      registryName: 'orders',
      autoRegistration: true,
      compression: 'zlib',
      compatibility: 'FULL_ALL',
      endpoint: 'http://127.0.0.1:4566',
    });
  });

  test('a wrong field is named in the error, with what is allowed', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ compression: 'gzip' }, 'schemaRegistry.compression', /'none' or 'zlib'/],
      [{ autoRegistration: 'yes' }, 'schemaRegistry.autoRegistration', /true or false/],
      [{ registryName: 'has space' }, 'schemaRegistry.registryName', /255 letters/],
      [{ compatibility: 'backward' }, 'schemaRegistry.compatibility', /BACKWARD_ALL/],
      [{ endpoint: 'http://h:1/path' }, 'schemaRegistry.endpoint', /no path/],
      [{ region: 'EU WEST' }, 'schemaRegistry.region', /region name/],
      [{ credentials: { accessKeyId: 'A' } }, 'schemaRegistry.credentials', /secretAccessKey/],
      [{ registry: 'x' }, 'schemaRegistry.registry', /not a field of schemaRegistry/],
    ];
    for (const [value, option, allowed] of cases) {
      const err = optionError(value);
      expect([option, err.option]).toEqual([option, option]);
      expect(err.allowed).toMatch(allowed);
    }
    expect(optionError('orders').option).toBe('schemaRegistry');
  });
});

describe('a record’s schema', () => {
  const ok = { name: 'orders.v1', definition: '{"type":"string"}', dataFormat: 'AVRO' };

  test('name, definition and format are checked, each named in the error', () => {
    expect(checkSchema(ok)).toBe(ok);
    const cases: [unknown, string][] = [
      [null, 'schema'],
      ['orders', 'schema'],
      [{ ...ok, name: '' }, 'schema.name'],
      [{ ...ok, name: 'a/b' }, 'schema.name'],
      [{ ...ok, name: 'x'.repeat(256) }, 'schema.name'],
      [{ ...ok, definition: '' }, 'schema.definition'],
      [{ ...ok, definition: 'x'.repeat(170_001) }, 'schema.definition'],
      [{ ...ok, dataFormat: 'avro' }, 'schema.dataFormat'],
      [{ ...ok, dataFormat: undefined }, 'schema.dataFormat'],
    ];
    for (const [schema, field] of cases) {
      let err: unknown;
      try {
        checkSchema(schema);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect([field, (err as ValidationError).field]).toEqual([field, field]);
    }
  });
});
