// A file or class name says what the thing is, and means one thing in the whole repository: a
// reader who meets `journal.ts` or `FrameRouter` in a stack trace or a search knows where it is.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');

/** Every package's own entry point is an index.ts by convention; it says nothing else. */
const SHARED_BY_CONVENTION = new Set(['index.ts']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'gen') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const packageOf = (file: string): string => relative(PACKAGES, file).split('/')[0]!;

function repeatedAcrossPackages(named: Array<[name: string, file: string]>): string[] {
  const where = new Map<string, Set<string>>();
  for (const [name, file] of named) {
    const set = where.get(name) ?? new Set<string>();
    set.add(relative(ROOT, file));
    where.set(name, set);
  }
  return [...where]
    .filter(([, files]) => new Set([...files].map((f) => packageOf(join(ROOT, f)))).size > 1)
    .map(([name, files]) => `${name}: ${[...files].sort().join(', ')}`)
    .sort();
}

const files = readdirSync(PACKAGES).flatMap((p) => sources(join(PACKAGES, p, 'src')));

test('the packages hold sources to check', () => {
  expect(new Set(files.map(packageOf)).size).toBeGreaterThanOrEqual(5);
});

test('no two source files in different packages share a name', () => {
  const named = files
    .filter((f) => !SHARED_BY_CONVENTION.has(basename(f)))
    .map((f): [string, string] => [basename(f), f]);
  expect(repeatedAcrossPackages(named)).toEqual([]);
});

test('no two exported classes in different packages share a name', () => {
  const named: Array<[string, string]> = [];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^export (?:abstract )?class (\w+)/gm)) {
      named.push([m[1]!, f]);
    }
  }
  expect(named.length).toBeGreaterThan(20);
  expect(repeatedAcrossPackages(named)).toEqual([]);
});
