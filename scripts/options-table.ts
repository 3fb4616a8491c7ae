// Writes the full table of options into docs/configuration.md, between its marker comments, from
// OPTION_TABLE, so the docs cannot disagree with the code: `npx tsx scripts/options-table.ts`.
// test/repository/options-table.test.ts fails when the page holds anything else.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  describeAllowed,
  describeDefault,
  describeDestination,
  OPTION_TABLE,
} from '../packages/options/src/index.js';

export const CONFIGURATION_DOC = fileURLToPath(
  new URL('../docs/configuration.md', import.meta.url),
);
export const TABLE_START = '<!-- options-table:start -->';
export const TABLE_END = '<!-- options-table:end -->';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** The table as markdown, its columns padded as biome formats them, so the page stays lint-clean. */
export function optionsTable(): string {
  const header = [
    'Option',
    'Properties key',
    'Type',
    'Default',
    'Allowed',
    'Description',
    'Goes to',
  ];
  const rows = OPTION_TABLE.map((row) =>
    [
      code(row.name),
      row.property ? code(row.property) : '(code only)',
      row.type,
      row.default === undefined || row.default === '' || row.defaultText
        ? describeDefault(row)
        : code(describeDefault(row)),
      // Markdown would eat the backslashes of the patterns.
      describeAllowed(row).replace(/\\/g, '\\\\'),
      row.description,
      describeDestination(row),
    ].map(cell),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** What lies between the markers of a page, without the blank lines that frame it. */
export function tableIn(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`${TABLE_START} and ${TABLE_END} must both be in the page, in that order`);
  }
  return page.slice(start + TABLE_START.length, end).trim();
}

function writeTable(): void {
  const page = readFileSync(CONFIGURATION_DOC, 'utf8');
  tableIn(page); // refuses a page without both markers
  const before = page.slice(0, page.indexOf(TABLE_START) + TABLE_START.length);
  const after = page.slice(page.indexOf(TABLE_END));
  writeFileSync(CONFIGURATION_DOC, `${before}\n\n${optionsTable()}\n\n${after}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeTable();
