// Run after esbuild bundles the daemon or the CLI: the bundle carries third-party code compiled
// in, whose licences (MIT, BSD, Apache-2.0) ask that their notices travel with it. From the
// metafile esbuild wrote, finds every package the bundle took code from and writes their licence
// texts beside the bundle, so that the published package ships them.
//
//   node scripts/bundle-licenses.mjs <metafile> <output file>
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const [metafile, output] = process.argv.slice(2);
if (!metafile || !output) {
  process.stderr.write('usage: node scripts/bundle-licenses.mjs <metafile> <output file>\n');
  process.exit(2);
}

const meta = JSON.parse(readFileSync(metafile, 'utf8'));
// Input paths in the metafile are relative to the directory esbuild ran in: the package's.
const base = process.cwd();

/**
 * The folder of the package an input file belongs to: the nearest package.json with a name (a
 * package's inner folders may hold a package.json of their own that only sets the module type).
 */
function packageRoot(file) {
  for (let dir = dirname(resolve(base, file)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name) return dir;
  }
  return undefined;
}

const roots = new Map();
for (const input of Object.keys(meta.inputs)) {
  if (!input.includes('node_modules/')) continue;
  const root = packageRoot(input);
  if (!root || roots.has(root)) continue;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  roots.set(root, pkg);
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)/i;
const sections = [];
for (const [root, pkg] of [...roots].sort((a, b) => a[1].name.localeCompare(b[1].name))) {
  const files = readdirSync(root)
    .filter((f) => LICENSE_FILE.test(f))
    .sort();
  const license = typeof pkg.license === 'string' ? pkg.license : 'see below';
  const texts = files.map((f) => readFileSync(join(root, f), 'utf8').trim());
  sections.push(
    [
      `${pkg.name}@${pkg.version} (${license})`,
      ...(texts.length > 0
        ? texts
        : [
            `No licence file ships with this package; its package.json declares ${license}` +
              (license === 'Apache-2.0' ? ' (the text is in LICENSE, beside this file).' : '.'),
          ]),
    ].join('\n\n'),
  );
}

const rule = `\n\n${'-'.repeat(78)}\n\n`;
const head =
  `Third-party software compiled into this bundle: ${roots.size} packages, each with the licence\n` +
  'text it ships.';
if (roots.size === 0) rmSync(output, { force: true });
else writeFileSync(output, `${head}${rule}${sections.join(rule)}\n`);
