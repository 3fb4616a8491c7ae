// Prints the README's table of options from OPTION_TABLE, so the README cannot disagree with the
// code: `npx tsx scripts/options-table.ts`.
import {
  describeAllowed,
  describeDefault,
  describeDestination,
  OPTION_TABLE,
} from '../packages/kinesis-producer/src/options.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

const header = ['Option', 'Properties key', 'Type', 'Default', 'Allowed', 'Description', 'Goes to'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const row of OPTION_TABLE) {
  const cells = [
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
  ];
  lines.push(`| ${cells.map(cell).join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
