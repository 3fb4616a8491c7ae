// A record's schema is checked at the call, as its other fields are, so a bad one fails at once
// and alone (the KPL: "Schema specification is not valid").

import { GLUE_NAME } from '@kinesis-producer/options';
import { ValidationError } from '../errors.js';
import type { Schema } from '../types.js';

const FORMATS: readonly string[] = ['AVRO', 'JSON', 'PROTOBUF'];
/** Glue's limit on a schema definition, in characters. */
const MAX_DEFINITION = 170_000;

export function checkSchema(schema: unknown): Schema {
  if (typeof schema !== 'object' || schema === null) {
    throw new ValidationError(
      'schema',
      schema,
      'an object with name, definition and dataFormat is required',
    );
  }
  const { name, definition, dataFormat } = schema as Record<string, unknown>;
  if (typeof name !== 'string' || !GLUE_NAME.test(name)) {
    throw new ValidationError(
      'schema.name',
      name,
      'a string of 1 to 255 letters, digits or - _ $ # . is required',
    );
  }
  if (
    typeof definition !== 'string' ||
    definition.length === 0 ||
    definition.length > MAX_DEFINITION
  ) {
    throw new ValidationError(
      'schema.definition',
      definition,
      `a string of 1 to ${MAX_DEFINITION} characters is required`,
    );
  }
  if (typeof dataFormat !== 'string' || !FORMATS.includes(dataFormat)) {
    throw new ValidationError('schema.dataFormat', dataFormat, 'one of AVRO, JSON, PROTOBUF');
  }
  return schema as Schema;
}
