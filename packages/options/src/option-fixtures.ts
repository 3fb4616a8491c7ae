// Helpers of the option tests (option-table.test.ts, options.test.ts, options-resolve.test.ts).
import { create } from '@bufbuild/protobuf';
import { expect } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { InvalidOptionError } from './option-errors.js';
import {
  describeAllowed,
  type KinesisProducerOptions,
  OPTION_TABLE,
  type OptionRow,
  resolveOptions,
} from './options.js';

export const I64_MAX = 9223372036854775807n;

export const row = (name: string): OptionRow => {
  const r = OPTION_TABLE.find((o) => o.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
};

export function rejection(options: Record<string, unknown>): InvalidOptionError {
  try {
    resolveOptions(options as KinesisProducerOptions);
  } catch (err) {
    if (err instanceof InvalidOptionError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(options, (_k, v) => String(v))}`);
}

export function expectRejected(name: string, value: unknown, allowed = describeAllowed(row(name))) {
  const err = rejection({ [name]: value });
  expect(err.option).toBe(name);
  // A secret option's value is not kept on the error, so logging the error cannot leak it.
  if (row(name).secret) expect(err.value).toBeUndefined();
  else expect(Object.is(err.value, value)).toBe(true);
  expect(err.allowed).toBe(allowed);
  expect(err.message).toContain(name);
}

export const config = (options: KinesisProducerOptions) => resolveOptions(options).configuration;
export const fieldDefault = (field: string) =>
  (create(ConfigurationSchema) as Record<string, unknown>)[field];

export const field = (name: string) =>
  (ConfigurationSchema.field as Record<string, (typeof ConfigurationSchema.fields)[number]>)[name]!;
