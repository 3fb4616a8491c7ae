// The daemon and CLI bundles carry third-party code compiled in; the licence texts of those
// packages ship beside each bundle (written by scripts/bundle-licenses.mjs at build time, from
// esbuild's list of inputs), and the published package takes them along.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'packages/kinesis-producer/dist');

/** Names of the packages esbuild took code from, read from the bundle's metafile. */
function bundledPackages(pkg: string): string[] {
  const meta = JSON.parse(
    readFileSync(join(ROOT, 'packages', pkg, '.cache/bundle-meta.json'), 'utf8'),
  ) as { inputs: Record<string, unknown> };
  const names = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

describe.each([
  ['daemon', 'daemon.cjs'],
  ['cli', 'cli.cjs'],
])('the %s bundle', (pkg, bundle) => {
  const text = readFileSync(join(DIST, `${bundle}.LICENSES.txt`), 'utf8');

  test('ships a licence entry for every package compiled into it', () => {
    const names = bundledPackages(pkg);
    expect(names).toContain('undici');
    const listed = [...text.matchAll(/^(\S+)@\d[^ ]* \(/gm)].map((m) => m[1]!);
    expect(listed.sort()).toEqual(names);
  });

  test("carries the MIT packages' permission notices, not only their names", () => {
    const undici = text.slice(text.indexOf('undici@'));
    expect(undici).toMatch(/Permission is hereby granted, free of charge/);
  });

  test('is published: the package ships dist', () => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'packages/kinesis-producer/package.json'), 'utf8'),
    ) as { files: string[] };
    expect(manifest.files).toContain('dist');
  });
});
