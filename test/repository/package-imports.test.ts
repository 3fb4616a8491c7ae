// The daemon and the options both processes share never reach into the wrapper: what they need
// of each other lives in a package both depend on. A relative path into the wrapper's sources
// would put wrapper code (and the SDK's credential chain) into the daemon's bundle unseen.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRAPPER_SRC = join(ROOT, 'packages/kinesis-producer/src');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every module a source names: static imports and re-exports, dynamic imports, requires. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const forms = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of forms) for (const m of text.matchAll(re)) found.push(m[1]!);
  return found;
}

/** The imports of `file` that reach the wrapper, as `file: specifier`. */
function wrapperImports(file: string, text: string): string[] {
  return specifiers(text)
    .filter((s) => {
      if (s === 'kinesis-producer' || s.startsWith('kinesis-producer/')) return true;
      if (!s.startsWith('.')) return false;
      const target = resolve(dirname(file), s);
      return !relative(WRAPPER_SRC, target).startsWith('..');
    })
    .map((s) => `${relative(ROOT, file)}: ${s}`);
}

describe('what may not import the wrapper', () => {
  test('the check finds each form of import into the wrapper', () => {
    const file = join(ROOT, 'packages/daemon/src/standalone/args.ts');
    const text = [
      "import { InvalidOptionError } from '../../../kinesis-producer/src/errors.js';",
      "export { resolveOptions } from '../../../kinesis-producer/src/options.js';",
      "const m = await import('../../../kinesis-producer/src/region.js');",
      "import 'kinesis-producer';",
      "import { FrameRouter } from '../frame-router.js';",
    ].join('\n');
    expect(wrapperImports(file, text)).toHaveLength(4);
  });

  test.each(['daemon', 'options', 'cli'])(
    'no source under packages/%s/src imports the wrapper',
    (pkg) => {
      const files = sources(join(ROOT, 'packages', pkg, 'src'));
      expect(files.length).toBeGreaterThan(5);
      const found = files.flatMap((f) => wrapperImports(f, readFileSync(f, 'utf8')));
      expect(found).toEqual([]);
    },
  );

  test('the daemon names the SDK credential chain only to keep it out of its bundle', () => {
    const daemonSources = sources(join(ROOT, 'packages/daemon/src'));
    const naming = daemonSources.filter((f) =>
      specifiers(readFileSync(f, 'utf8')).some((s) => s.startsWith('@aws-sdk/credential-provider')),
    );
    expect(naming).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/daemon/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: { build: string };
    };
    expect(Object.keys(pkg.dependencies)).not.toContain('@aws-sdk/credential-provider-node');
    expect(pkg.scripts.build).toContain(
      '--alias:@aws-sdk/credential-provider-node=./src/no-credential-chain.ts',
    );
  });
});
