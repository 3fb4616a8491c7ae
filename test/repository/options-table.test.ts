// docs/configuration.md holds the full table of options; it must be what the option table in the
// code generates, or the docs promise defaults and ranges the producer does not have.
import { readFileSync } from 'node:fs';
import { expect, test } from '@jest/globals';
import { OPTION_TABLE } from '../../packages/options/src/index.js';
import { CONFIGURATION_DOC, optionsTable, tableIn } from '../../scripts/options-table.js';

/** Column padding is the formatter's business; compare the cells. */
const cells = (table: string): string[][] =>
  table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !/^\|[\s|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );

test('docs/configuration.md holds the table scripts/options-table.ts generates', () => {
  const inDocs = cells(tableIn(readFileSync(CONFIGURATION_DOC, 'utf8')));
  // Regenerate with `npx tsx scripts/options-table.ts` when this fails.
  expect(inDocs).toEqual(cells(optionsTable()));
});

test('the generated table has a row for every option', () => {
  const names = cells(optionsTable())
    .slice(1)
    .map((row) => row[0]);
  expect(names).toEqual(OPTION_TABLE.map((row) => `\`${row.name}\``));
  expect(names.length).toBeGreaterThan(40);
});

test('a stale row is caught', () => {
  const stale = optionsTable().replace('| `30000`', '| `60000`');
  expect(stale).not.toBe(optionsTable());
  expect(cells(stale)).not.toEqual(cells(optionsTable()));
});
