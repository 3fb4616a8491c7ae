import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parseArgs, UsageError } from './args.js';

const options = (argv: string[]) => {
  const c = parseArgs(['--json', ...argv]);
  if (c.kind !== 'json') throw new Error(c.kind);
  return c.options;
};

describe('parseArgs', () => {
  test('--help and --version win over everything else', () => {
    expect(parseArgs(['--json', '--help', '--nonsense'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-v'])).toEqual({ kind: 'version' });
  });

  test('kebab-case flags become camelCase options, typed by the option table', () => {
    expect(
      options([
        '--region',
        'us-east-1',
        '--record-ttl=5000',
        '--collection-max-size',
        '9007199254740993',
        '--log-level',
        'warn',
      ]),
    ).toEqual({
      region: 'us-east-1',
      recordTtl: 5000,
      collectionMaxSize: 9007199254740993n,
      logLevel: 'warning',
    });
  });

  test('a boolean flag alone means true; true or false may follow', () => {
    expect(options(['--fail-if-throttled', '--region', 'us-east-1'])).toEqual({
      failIfThrottled: true,
      region: 'us-east-1',
    });
    expect(options(['--aggregation-enabled', 'false'])).toEqual({ aggregationEnabled: false });
    expect(options(['--aggregation-enabled=true'])).toEqual({ aggregationEnabled: true });
    expect(() => options(['--aggregation-enabled=yes'])).toThrow(/takes true or false, got yes/);
  });

  test('flags override the properties file, whatever their order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-args-'));
    try {
      const file = join(dir, 'p.properties');
      writeFileSync(file, 'RecordTtl = 9000\nRegion = eu-west-1\nNoSuchKey = 1\n');
      const c = parseArgs(['--record-ttl', '100', '--json', '--properties', file]);
      expect(c).toEqual({
        kind: 'json',
        options: { recordTtl: 100, region: 'eu-west-1' },
        warnings: [expect.stringMatching(/NoSuchKey is not a known option/)],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('what cannot be used is a UsageError that says why', () => {
    const cases: [string[], RegExp][] = [
      [['--json', 'extra'], /unexpected argument extra/],
      [['--json', '--region'], /--region needs a value/],
      [['--json', '--metrics-credentials', 'x'], /never come from the command line/],
      [['--json', '--logger', 'x'], /never come from the command line|only be given in code/],
      [['--json', '--user-record-timeout-in-millis', '5'], /KinesisProducer object/],
      [['--json', '--properties', '/nonexistent/p.properties'], /cannot read --properties/],
      [['--region', 'us-east-1'], /say --json/],
    ];
    for (const [argv, why] of cases) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(why);
    }
  });

  test('the proxy password never comes from argv: from its variable or its file, never repeated', () => {
    const secret = 'pRoXy-PaSs-9z8y7x';
    const refused = () => parseArgs(['--json', '--proxy-password', secret], {});
    expect(refused).toThrow(UsageError);
    expect(refused).toThrow(/ps shows it.*KINESIS_PRODUCER_PROXY_PASSWORD.*--proxy-password-file/);
    expect(() => parseArgs(['--json', `--proxy-password=${secret}`], {})).toThrow(/ps shows it/);
    try {
      refused();
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }

    const fromEnv = parseArgs(['--json'], { KINESIS_PRODUCER_PROXY_PASSWORD: secret });
    expect(fromEnv).toMatchObject({ options: { proxyPassword: secret } });
    const dir = mkdtempSync(join(tmpdir(), 'kp-args-'));
    try {
      const file = join(dir, 'proxy-password');
      writeFileSync(file, 'from-the-file\n');
      // The file wins over the environment; the newline an editor adds is not part of it.
      const c = parseArgs(['--json', '--proxy-password-file', file], {
        KINESIS_PRODUCER_PROXY_PASSWORD: secret,
      });
      expect(c).toMatchObject({ options: { proxyPassword: 'from-the-file' } });
      expect(() =>
        parseArgs(['--json', '--proxy-password-file', join(dir, 'missing')], {}),
      ).toThrow(/cannot read --proxy-password-file .*missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
