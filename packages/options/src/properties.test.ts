import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { InvalidOptionError } from './option-errors.js';
import { resolveOptions } from './options.js';
import { loadPropertiesFile, optionsFromProperties, parseProperties } from './properties.js';

// Same keys, values and layout quirks as the KPL's java/amazon-kinesis-producer-sample/
// default_config.properties (commented-out keys, and the `;` after MaxUserRecordSize that makes
// the KPL itself refuse the file); the comments are ours.
const KPL_SAMPLE = `# Sample producer configuration: every value below is the default.
# Keys left out keep their defaults.

# Pack small records together.
AggregationEnabled = true

# At most this many user records per aggregated record.
AggregationMaxCount = 4294967295

# At most this many bytes per aggregated record.
AggregationMaxSize = 51200

# Records per PutRecords call.
CollectionMaxCount = 500

# Bytes per PutRecords call.
CollectionMaxSize = 5242880

# Connection timeout (ms).
ConnectTimeout = 6000

# Host only, no scheme.
# KinesisEndpoint =

# Retry throttled records.
FailIfThrottled = false

LogLevel = info

MaxConnections = 24

# Largest user record.
MaxUserRecordSize = 1048576;

MetricsGranularity = shard

MetricsLevel = detailed

MetricsNamespace = KinesisProducerLibrary

MetricsUploadDelay = 60000

MinConnections = 1

KinesisPort = 443

RateLimit = 150

RecordMaxBufferedTime = 100

RecordTtl = 30000

# Region = 

RequestTimeout = 6000

VerifyCertificate = true

# PER_REQUEST or POOLED.
ThreadingModel = PER_REQUEST

#ThreadPoolSize = 0
`;

function load(text: string) {
  const warnings: string[] = [];
  const options = optionsFromProperties(text, { onWarning: (m) => warnings.push(m) });
  return { options, warnings };
}

function failure(text: string): InvalidOptionError {
  try {
    load(text);
  } catch (err) {
    if (err instanceof InvalidOptionError) return err;
    throw err;
  }
  throw new Error(`accepted ${text}`);
}

/** Every field as the daemon reads it (set or default), and the settings. */
function effective(options: object) {
  const { configuration, settings } = resolveOptions(options);
  const fields = Object.fromEntries(
    ConfigurationSchema.fields.map((f) => [
      f.localName,
      (configuration as unknown as Record<string, unknown>)[f.localName],
    ]),
  );
  return { fields, settings };
}

describe('parseProperties: Java .properties syntax', () => {
  test('the three separators, leading whitespace and both comment marks', () => {
    const text = 'a=1\nb: 2\nc 3\n  d\t=\t4\n# e=5\n   ! f=6\ng:h=7\n';
    expect({ ...parseProperties(text) }).toEqual({ a: '1', b: '2', c: '3', d: '4', g: 'h=7' });
  });

  test('only one separator is consumed; the rest belongs to the value', () => {
    expect({ ...parseProperties('a==b\nc = : d\n') }).toEqual({ a: '=b', c: ': d' });
  });

  test('a key alone, or with an empty value, maps to the empty string', () => {
    expect({ ...parseProperties('Region\nProxyHost =\nProxyUserName = \n') }).toEqual({
      Region: '',
      ProxyHost: '',
      ProxyUserName: '',
    });
  });

  test('line continuations drop the next line’s leading whitespace', () => {
    const text = 'list = one, \\\n      two, \\\n\tthree\nnext = x\n';
    expect({ ...parseProperties(text) }).toEqual({ list: 'one, two, three', next: 'x' });
  });

  test('an even number of trailing backslashes does not continue the line', () => {
    expect({ ...parseProperties('path = C:\\\\\nnext = x\n') }).toEqual({
      path: 'C:\\',
      next: 'x',
    });
  });

  test('a comment ending in a backslash does not swallow the next line', () => {
    expect({ ...parseProperties('# note \\\nkey = v\n') }).toEqual({ key: 'v' });
  });

  test('a continued value may contain what would start a comment', () => {
    expect({ ...parseProperties('k = a\\\n# b\n') }).toEqual({ k: 'a# b' });
  });

  test('escapes \\t \\n \\r \\f \\uXXXX and escaped separators in keys', () => {
    const text = 'k\\=ey\\:x\\ y = a\\tb\\nc\\u00e9\\u0041\\q\n';
    expect({ ...parseProperties(text) }).toEqual({ 'k=ey:x y': 'a\tb\ncéAq' });
  });

  test('trailing whitespace is trimmed (unlike Java), but an escaped space is kept', () => {
    expect({ ...parseProperties('RateLimit = 150  \t\nx = a\\ \n') }).toEqual({
      RateLimit: '150',
      x: 'a ',
    });
  });

  test('CRLF and CR line ends, and the last of duplicate keys wins', () => {
    expect({ ...parseProperties('a = 1\r\nb = 2\rc = 3\r\na = 4') }).toEqual({
      a: '4',
      b: '2',
      c: '3',
    });
  });

  test('keys that are Object.prototype names are plain keys', () => {
    const parsed = parseProperties('__proto__ = x\nconstructor = y\n');
    expect(Object.entries(parsed)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  test('a malformed \\u escape is an error naming the key', () => {
    expect(() => parseProperties('Key = \\u12g4\n')).toThrow(InvalidOptionError);
    try {
      parseProperties('Key = \\u12g4\n');
    } catch (err) {
      expect((err as InvalidOptionError).option).toBe('Key');
    }
  });
});

describe('optionsFromProperties', () => {
  test("the KPL's sample file loads into exactly the defaults, with warnings for its defects", () => {
    const { options, warnings } = load(KPL_SAMPLE);
    expect(options.maxUserRecordSize).toBe(1048576);
    expect(options.aggregationMaxCount).toBe(4294967295);
    expect(effective(options)).toEqual(effective({}));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^Property MaxUserRecordSize = 1048576; has a trailing ';'/);
    expect(warnings[1]).toMatch(/^Property MinConnections has no effect in Node\.js/);
    expect(warnings[2]).toMatch(/^Property ThreadingModel has no effect in Node\.js/);
  });

  test('keys map to camelCase options, values converted by type', () => {
    const { options, warnings } = load(
      [
        'RecordTtl = 5000',
        'AggregationEnabled = FALSE',
        'Region = eu-west-1',
        'KinesisEndpoint = http://127.0.0.1:4567',
        'AggregationMode = partitionKey',
        'LogLevel = warn',
        'RateLimit = +90',
        'CollectionMaxSize = 9223372036854775807',
      ].join('\n'),
    );
    expect(options).toEqual({
      recordTtl: 5000,
      aggregationEnabled: false,
      region: 'eu-west-1',
      kinesisEndpoint: 'http://127.0.0.1:4567',
      aggregationMode: 'partitionKey',
      logLevel: 'warning',
      rateLimit: 90,
      collectionMaxSize: 9223372036854775807n,
    });
    expect(warnings).toEqual([]);
    expect(resolveOptions(options).configuration.recordTtl).toBe(5000n);
  });

  test("booleans follow Java's Boolean.valueOf, and an odd spelling is reported", () => {
    const { options, warnings } = load('VerifyCertificate = TRUE\nFailIfThrottled = yes\n');
    expect([options.verifyCertificate, options.failIfThrottled]).toEqual([true, false]);
    expect(warnings).toEqual([
      'Property FailIfThrottled = yes is read as false; only "true" means true.',
    ]);
  });

  test('unknown keys are reported with a suggestion and skipped, as the KPL does', () => {
    const { options, warnings } = load(
      'RecordTTL = 5000\nPort = 443\nGlueSchemaRegistryPropertiesFilePath = x\n',
    );
    expect(options).toEqual({});
    expect(warnings[0]).toBe(
      'Property RecordTTL is not a known option (did you mean RecordTtl?); it is ignored.',
    );
    expect(warnings[1]).toMatch(/^Property Port is not a known option/);
    expect(warnings[2]).toMatch(
      /^Property GlueSchemaRegistryPropertiesFilePath is not a known option/,
    );
  });

  test('keys that only code can give are reported and skipped', () => {
    const { options, warnings } = load('CredentialsProvider = default\n');
    expect(options).toEqual({});
    expect(warnings).toEqual([
      'Property CredentialsProvider cannot be set from a properties file; pass credentials in code.',
    ]);
  });

  test('a value that is not a number names the key and the text', () => {
    for (const bad of ['abc', '', '5000ms', '1.5', '0x10', '5000;;']) {
      const err = failure(`RecordTtl = ${bad}`);
      expect([err.option, err.value, err.allowed]).toEqual(['RecordTtl', bad, 'a decimal integer']);
    }
  });

  test('a value out of range names the key, the text and the range', () => {
    const err = failure('RecordTtl = 50\n');
    expect([err.option, err.value]).toEqual(['RecordTtl', '50']);
    expect(err.allowed).toBe('an integer from 100 to 9223372036854775807 (a number or a bigint)');
    const big = failure('MaxConnections = 99999999999999999999\n');
    expect([big.option, big.value, big.allowed]).toEqual([
      'MaxConnections',
      '99999999999999999999',
      'an integer from 1 to 256',
    ]);
    expect(failure('LogLevel = loud').option).toBe('LogLevel');
    expect(failure('Region = US-EAST-1').option).toBe('Region');
  });

  test('a trailing semicolon is forgiven only on numbers', () => {
    const { options, warnings } = load('RecordTtl = 7000 ;\n');
    expect(options.recordTtl).toBe(7000);
    expect(warnings).toHaveLength(1);
    expect(failure('MetricsLevel = summary;').option).toBe('MetricsLevel');
  });
});

describe('loadPropertiesFile', () => {
  test('reads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kp-properties-'));
    try {
      const path = join(dir, 'default_config.properties');
      await writeFile(path, `${KPL_SAMPLE}Region = us-west-2\n`);
      const options = await loadPropertiesFile(path, { onWarning: () => {} });
      expect(options.region).toBe('us-west-2');
      expect(options.recordTtl).toBe(30000);
      await expect(loadPropertiesFile(join(dir, 'missing.properties'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
