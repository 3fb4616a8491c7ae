// An option's JSDoc in KinesisProducerOptions (what an editor shows) is its description in the
// option table (what docs/configuration.md, the CLI's --help and the errors show), word for word; an option
// that does nothing also says why.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import type { OptionRow } from './option-row.js';
import { OPTION_TABLE } from './options.js';

/** What an option's JSDoc says: its description, and why it does nothing if it does nothing. */
function optionDoc(row: OptionRow): string {
  return row.ignoredBecause
    ? `${row.description} No effect here: ${row.ignoredBecause}.`
    : row.description;
}

const source = readFileSync(new URL('./producer-options.ts', import.meta.url), 'utf8');

/** Each property of the interface with the JSDoc just above it, as one line of text. */
function documented(): Map<string, string> {
  const start = source.indexOf('export interface KinesisProducerOptions {');
  const end = source.indexOf('\n}\n', start);
  const body = source.slice(start, end);
  const docs = new Map<string, string>();
  for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+)\??:/g)) {
    const text = m[1]!
      .split('\n')
      .map((l) => l.replace(/^\s*\*?\s?/, '').trim())
      .filter((l) => l !== '')
      .join(' ');
    docs.set(m[2]!, text);
  }
  return docs;
}

describe('KinesisProducerOptions documents the table', () => {
  const docs = documented();

  test('every option of the table is in the interface, with a JSDoc', () => {
    const missing = OPTION_TABLE.map((r) => r.name).filter((n) => !docs.has(n));
    expect(missing).toEqual([]);
  });

  test('each JSDoc is the table description', () => {
    const differing = OPTION_TABLE.filter((r) => docs.get(r.name) !== optionDoc(r)).map(
      (r) => `${r.name}:\n  table: ${optionDoc(r)}\n  jsdoc: ${docs.get(r.name)}`,
    );
    expect(differing).toEqual([]);
  });
});
