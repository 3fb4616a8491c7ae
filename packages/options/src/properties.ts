// Loads a KPL .properties file (the format of the KPL's default_config.properties) into options.
// Keys are the KPL's setter names (RecordTtl, MaxConnections, ...), mapped through OPTION_TABLE.
// Unlike the KPL, trailing whitespace and a trailing ';' on a number are forgiven, because the
// KPL's own sample file has the second and editors add the first.
import { readFile } from 'node:fs/promises';
import { emitWarning } from 'node:process';
import { InvalidOptionError } from './option-errors.js';
import {
  findOption,
  type KinesisProducerOptions,
  OPTION_TABLE,
  type OptionRow,
  suggestOption,
  validateOption,
} from './options.js';

export interface PropertiesOptions {
  /** Receives one sentence per key that is ignored or repaired; default: process.emitWarning. */
  onWarning?: (msg: string) => void;
}

const WHITESPACE = new Set([' ', '\t', '\f']);
const SEPARATORS = new Set(['=', ':']);

/**
 * Parses Java .properties text: `key=value`, `key: value` or `key value`; `#` and `!` comments;
 * a line ending in an odd number of backslashes continues on the next; escapes \t \n \r \f and
 * \uXXXX, and a backslash before any other character keeps that character. Later keys win.
 */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const line of logicalLines(text)) {
    const keyEnd = findKeyEnd(line);
    let i = keyEnd;
    while (i < line.length && WHITESPACE.has(line[i]!)) i++;
    if (i < line.length && SEPARATORS.has(line[i]!)) i++;
    while (i < line.length && WHITESPACE.has(line[i]!)) i++;
    const rawKey = line.slice(0, keyEnd);
    result[decodeEscapes(rawKey, rawKey)] = decodeEscapes(trimUnescapedEnd(line.slice(i)), rawKey);
  }
  return result;
}

/** Joins continued lines and drops blank and comment lines; each result starts at its key. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current: string | undefined;
  for (const natural of text.split(/\r\n|\r|\n/)) {
    const stripped = natural.replace(/^[ \t\f]+/, '');
    if (current === undefined) {
      if (stripped === '' || stripped[0] === '#' || stripped[0] === '!') continue;
      current = '';
    }
    if (endsInOddBackslashes(stripped)) {
      current += stripped.slice(0, -1);
    } else {
      lines.push(current + stripped);
      current = undefined;
    }
  }
  if (current !== undefined) lines.push(current);
  return lines;
}

function endsInOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function findKeyEnd(line: string): number {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') i += 2;
    else if (SEPARATORS.has(c) || WHITESPACE.has(c)) return i;
    else i++;
  }
  return line.length;
}

function trimUnescapedEnd(value: string): string {
  let end = value.length;
  while (end > 0 && WHITESPACE.has(value[end - 1]!) && !escapedAt(value, end - 1)) end--;
  return value.slice(0, end);
}

function escapedAt(s: string, index: number): boolean {
  let n = 0;
  for (let i = index - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

// `where` names the key in the error for a malformed \u escape.
function decodeEscapes(s: string, where: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const next = s[++i]!;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
        throw new InvalidOptionError(
          where,
          `\\u${hex}`,
          'a \\u escape followed by four hex digits',
        );
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}

const BY_PROPERTY = new Map<string, OptionRow>(
  OPTION_TABLE.filter((r) => r.property).map((r) => [r.property!, r]),
);

function defaultWarning(msg: string): void {
  emitWarning(msg, 'KinesisProducerWarning');
}

/**
 * Maps the keys of a KPL .properties text onto options, converting each value by the option's
 * type and validating it. Unknown keys and keys that mean nothing in Node.js are reported through
 * onWarning and skipped or kept as the KPL would. Throws InvalidOptionError naming the property
 * key and its text when a value cannot be converted or is out of range.
 */
export function optionsFromProperties(
  text: string,
  opts: PropertiesOptions = {},
): KinesisProducerOptions {
  const warn = opts.onWarning ?? defaultWarning;
  const options: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(parseProperties(text))) {
    const row = BY_PROPERTY.get(key);
    if (!row) {
      const near = suggestOption(key);
      const hint = near ? ` (did you mean ${findOption(near)?.property ?? near}?)` : '';
      warn(`Property ${key} is not a known option${hint}; it is ignored.`);
      continue;
    }
    if (row.type === 'object' || row.type === 'list') {
      warn(`Property ${key} cannot be set from a properties file; pass ${row.name} in code.`);
      continue;
    }
    if (row.goesTo === 'ignored') {
      warn(`Property ${key} has no effect in Node.js: ${row.ignoredBecause}.`);
    }
    const value = convert(row, key, raw, warn);
    try {
      options[row.name] = validateOption(row, value);
    } catch (err) {
      if (err instanceof InvalidOptionError) {
        throw new InvalidOptionError(key, raw, err.allowed, { secret: row.secret });
      }
      throw err;
    }
  }
  return options as KinesisProducerOptions;
}

function convert(row: OptionRow, key: string, raw: string, warn: (m: string) => void): unknown {
  if (row.type === 'boolean') {
    // Java's Boolean.valueOf: "true" in any case is true, everything else false.
    const value = raw.toLowerCase() === 'true';
    if (!value && raw.toLowerCase() !== 'false') {
      warn(`Property ${key} = ${raw} is read as false; only "true" means true.`);
    }
    return value;
  }
  if (row.type !== 'integer') return raw;
  let digits = raw;
  if (digits.endsWith(';')) {
    digits = digits.slice(0, -1).trimEnd();
    warn(`Property ${key} = ${raw} has a trailing ';'; read as ${digits}.`);
  }
  if (!/^[+-]?[0-9]+$/.test(digits)) {
    throw new InvalidOptionError(key, raw, 'a decimal integer');
  }
  const big = BigInt(digits);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big;
}

/** Reads a .properties file (UTF-8) and maps it as optionsFromProperties does. */
export async function loadPropertiesFile(
  path: string,
  opts: PropertiesOptions = {},
): Promise<KinesisProducerOptions> {
  return optionsFromProperties(await readFile(path, 'utf8'), opts);
}
