// The daemon checks its Configuration with the option table's own ranges, patterns and values:
// what the wrapper accepts, the daemon accepts, and a limit changed in the table is the daemon's
// limit too.
import { describe, expect, test } from '@jest/globals';
import { OPTION_TABLE, type OptionRow, resolveOptions } from '@kinesis-producer/options';
import type { Configuration } from '@kinesis-producer/protocol';
import { ConfigError, readConfig } from './config.js';

/** The Configuration a producer sends with only a region given. */
const defaults = (): Configuration => resolveOptions({ region: 'us-east-1' }).configuration;

const withField = (field: string, value: unknown): Configuration =>
  Object.assign(defaults(), { [field]: value });

/** The message the daemon gives for a refused configuration, or undefined when it accepts it. */
function refusal(c: Configuration, table?: readonly OptionRow[]): string | undefined {
  try {
    readConfig(c, table);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}

const integerRows = OPTION_TABLE.filter(
  (r) => r.type === 'integer' && r.field !== undefined && r.goesTo !== 'wrapper',
);

describe('the daemon and the option table agree', () => {
  test('the Configuration of the defaults is accepted', () => {
    expect(refusal(defaults())).toBeUndefined();
  });

  test.each(integerRows.map((r) => [r.name, r] as const))(
    '%s: its minimum and maximum are accepted, one past either is refused',
    (_name, row) => {
      const field = row.field!;
      expect(refusal(withField(field, row.min!))).toBeUndefined();
      expect(refusal(withField(field, row.max!))).toBeUndefined();
      const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      const between = `${snake} must be between ${row.min} and ${row.max}`;
      expect(refusal(withField(field, row.min! - 1n))).toBe(`${between}, got ${row.min! - 1n}`);
      expect(refusal(withField(field, row.max! + 1n))).toBe(`${between}, got ${row.max! + 1n}`);
    },
  );

  test('every daemon integer option has a range in the table', () => {
    expect(integerRows.length).toBeGreaterThan(15);
    for (const r of integerRows)
      expect([r.name, r.min, r.max]).toEqual([r.name, expect.any(BigInt), expect.any(BigInt)]);
  });
});

describe('a change in the table reaches the daemon', () => {
  const changed = (name: string, change: Partial<OptionRow>): OptionRow[] =>
    OPTION_TABLE.map((r) => (r.name === name ? { ...r, ...change } : r));

  test('a lower maximum refuses what the table accepted before', () => {
    const c = withField('aggregationMaxSize', 2000n);
    expect(refusal(c)).toBeUndefined();
    expect(refusal(c, changed('aggregationMaxSize', { max: 1000n }))).toBe(
      'aggregation_max_size must be between 64 and 1000, got 2000',
    );
  });

  test('a higher minimum does too', () => {
    const c = withField('collectionMaxCount', 5n);
    expect(refusal(c)).toBeUndefined();
    expect(refusal(c, changed('collectionMaxCount', { min: 10n }))).toBe(
      'collection_max_count must be between 10 and 500, got 5',
    );
  });

  test('a wider range accepts what was refused', () => {
    const c = withField('maxConnections', 300n);
    expect(refusal(c)).toBe('max_connections must be between 1 and 256, got 300');
    expect(refusal(c, changed('maxConnections', { max: 512n }))).toBeUndefined();
  });

  test('patterns and allowed values come from the table as well', () => {
    const c = withField('metricsLevel', 'verbose');
    expect(refusal(c)).toBe('metrics_level must be one of none, summary, detailed, got verbose');
    const more = changed('metricsLevel', { values: ['none', 'summary', 'detailed', 'verbose'] });
    expect(refusal(c, more)).toBeUndefined();
    const r = withField('region', 'eu-west-1');
    expect(refusal(r, changed('region', { pattern: /^us-[a-z]+-[0-9]$/ }))).toBe(
      'region must match the pattern ^us-[a-z]+-[0-9]$, got eu-west-1',
    );
  });
});
