// The packages as an application gets them: packed (exports pointing at dist/, declarations, the
// bin), checked by publint and are-the-types-wrong, unpacked into a fresh node_modules, then
// imported with `import` and with `require()` against a real emulator. Third-party dependencies
// are linked from this workspace, so nothing is downloaded; optional peers are not linked, as an
// application that does not install them would have it.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createStream, type Emulator, startKinesalite } from '../support/emulators.js';
import { deaggregateAll, readAllRecords } from '../support/read-back.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OURS = {
  protocol: '@kinesis-producer/protocol',
  aggregation: '@kinesis-producer/aggregation',
  transport: '@kinesis-producer/transport',
  options: '@kinesis-producer/options',
  'kinesis-producer': 'kinesis-producer',
};

let app: string;
let emu: Emulator;
/** The packed tarball of each of our packages, by package name. */
const tarballs = new Map<string, string>();

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'kp-app-'));
  const packs = join(app, 'packs');
  mkdirSync(packs);
  const modules = join(app, 'node_modules');
  mkdirSync(join(modules, '@kinesis-producer'), { recursive: true });
  for (const [dir, name] of Object.entries(OURS)) {
    const before = new Set(readdirSync(packs));
    execFileSync('pnpm', ['pack', '--pack-destination', packs], {
      cwd: join(root, 'packages', dir),
      stdio: 'ignore',
    });
    const tarball = join(packs, readdirSync(packs).find((f) => !before.has(f))!);
    tarballs.set(name, tarball);
    const target = join(modules, name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  }
  // Their dependencies are linked from where pnpm installed them for the workspace; pnpm's
  // layout keeps each dependency's own dependencies beside its real path.
  for (const dir of Object.keys(OURS)) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const link = join(modules, dep);
      if (dep.startsWith('@kinesis-producer/') || existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(root, 'packages', dir, 'node_modules', dep)), link);
    }
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  emu = await startKinesalite();
  await createStream(emu, 'app', 2);
}, 120_000);

afterAll(async () => {
  await emu?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

function run(file: string, source: string): string {
  writeFileSync(join(app, file), source);
  const r = spawnSync(process.execPath, [file, emu.endpoint], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

test('an ESM application imports the package and its records arrive', async () => {
  const out = run(
    'esm.mjs',
    `import { KinesisProducer } from 'kinesis-producer';
import { deaggregate } from '@kinesis-producer/aggregation';
const p = new KinesisProducer({ region: 'us-east-1', kinesisEndpoint: process.argv[2], credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const rs = await Promise.all(Array.from({ length: 500 }, (_, i) => p.addUserRecord('app', 'esm-' + i, 'esm ' + i)));
await p.close();
console.log(rs.every((r) => r.successful), typeof deaggregate);`,
  );
  expect(out).toBe('true function');
  const found = deaggregateAll(await readAllRecords(emu.client, 'app'));
  const esm = found.filter((f) => f.partitionKey.startsWith('esm-'));
  expect(esm).toHaveLength(500);
  expect(new Set(esm.map((f) => f.data.toString()))).toEqual(
    new Set(Array.from({ length: 500 }, (_, i) => `esm ${i}`)),
  );
});

test('a CommonJS application can require() it', () => {
  const out = run(
    'cjs.cjs',
    `const { KinesisProducer, ValidationError } = require('kinesis-producer');
(async () => {
  const p = new KinesisProducer({ region: 'us-east-1', kinesisEndpoint: process.argv[2], credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const r = await p.addUserRecord({ streamName: 'app', partitionKey: 'cjs', data: Buffer.from('from require') });
  const bad = await p.addUserRecord('app', '', 'x').catch((e) => e instanceof ValidationError);
  await p.close();
  console.log(r.successful, bad);
})();`,
  );
  expect(out).toBe('true true');
});

test('the package ships declarations that type-check an application', () => {
  writeFileSync(
    join(app, 'check.ts'),
    `import { KinesisProducer, type UserRecordResult } from 'kinesis-producer';
const p: KinesisProducer = new KinesisProducer({ region: 'us-east-1', recordTtl: 5000 });
const r: Promise<UserRecordResult> = p.addUserRecord('s', 'k', 'x');
void r;
`,
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      'check.ts',
    ],
    { cwd: app, encoding: 'utf8' },
  );
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test.each(Object.values(OURS))('publint and are-the-types-wrong accept %s as packed', (name) => {
  const tarball = tarballs.get(name)!;
  const bin = (tool: string) => join(root, 'node_modules/.bin', tool);
  const lint = spawnSync(bin('publint'), ['--strict', tarball], { encoding: 'utf8' });
  expect({ status: lint.status, out: lint.stdout + lint.stderr }).toEqual({
    status: 0,
    out: expect.stringContaining('All good!'),
  });
  // ESM only: require() of it works natively on every Node we support (>= 20.19, the CommonJS
  // test above), so the profile that leaves out CommonJS resolution under node16 rules.
  const types = spawnSync(bin('attw'), ['--profile', 'esm-only', '--format', 'ascii', tarball], {
    encoding: 'utf8',
  });
  expect({ status: types.status, out: types.stdout + types.stderr }).toEqual({
    status: 0,
    out: expect.stringContaining('node16 (from ESM): 🟢 (ESM)'),
  });
});

test('every published package carries its README, LICENSE and NOTICE', () => {
  for (const name of Object.values(OURS)) {
    const files = execFileSync('tar', ['-tzf', tarballs.get(name)!], { encoding: 'utf8' });
    for (const f of ['package/README.md', 'package/LICENSE', 'package/NOTICE']) {
      expect({ name, has: files.split('\n').includes(f) }).toEqual({ name, has: true });
    }
  }
});

test('without @aws-sdk/client-glue installed, a record with a schema fails naming it, and the others arrive', async () => {
  const manifest = JSON.parse(
    readFileSync(join(app, 'node_modules/kinesis-producer/package.json'), 'utf8'),
  );
  expect(manifest.dependencies['@aws-sdk/client-glue']).toBeUndefined();
  expect(manifest.peerDependenciesMeta['@aws-sdk/client-glue']).toEqual({ optional: true });
  expect(existsSync(join(app, 'node_modules/@aws-sdk/client-glue'))).toBe(false);
  const out = run(
    'no-glue.mjs',
    `import { KinesisProducer, SchemaRegistryError, MissingDependencyError } from 'kinesis-producer';
const p = new KinesisProducer({ region: 'us-east-1', kinesisEndpoint: process.argv[2], credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, schemaRegistry: { region: 'us-east-1' } });
const schema = { name: 'Event', dataFormat: 'JSON', definition: '{"type":"object"}' };
const err = await p.addUserRecord({ streamName: 'app', partitionKey: 'glue-less', data: Buffer.from('{}'), schema }).catch((e) => e);
const plain = await p.addUserRecord('app', 'no-schema', 'without a schema');
await p.close();
console.log(JSON.stringify({
  registryError: err instanceof SchemaRegistryError,
  cause: err.cause instanceof MissingDependencyError,
  code: err.cause?.code,
  packageName: err.cause?.packageName,
  message: err.message,
  plain: plain.successful,
}));`,
  );
  const r = JSON.parse(out);
  expect(r).toEqual({
    registryError: true,
    cause: true,
    code: 'ERR_MISSING_DEPENDENCY',
    packageName: '@aws-sdk/client-glue',
    message: expect.stringContaining('npm install @aws-sdk/client-glue'),
    plain: true,
  });
  const found = deaggregateAll(await readAllRecords(emu.client, 'app'));
  expect(found.filter((f) => f.partitionKey === 'no-schema').map((f) => f.data.toString())).toEqual(
    ['without a schema'],
  );
  expect(found.some((f) => f.partitionKey === 'glue-less')).toBe(false);
});

test('the bin answers --help', () => {
  const r = spawnSync(join(app, 'node_modules/kinesis-producer/dist/daemon.cjs'), ['--help'], {
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Usage:/);
});

test('kinesis-producer/testing: a clear error without kinesalite, then a working test double with it', () => {
  const source = `import { startTestKinesis } from 'kinesis-producer/testing';
try {
  const kinesis = await startTestKinesis({ streams: { orders: 2 } });
  const producer = kinesis.createProducer();
  await Promise.all(Array.from({ length: 50 }, (_, i) => producer.addUserRecord('orders', 'o' + i, 'order ' + i)));
  const read = await kinesis.readRecords('orders');
  await kinesis.stop();
  console.log(read.length, new Set(read.map((r) => r.data.toString())).size);
} catch (e) {
  console.log(e.code, e.message);
}`;
  // kinesalite is an optional peer: not installed with the package.
  const missing = run('testing-missing.mjs', source);
  expect(missing).toMatch(/^ERR_EMULATOR_MISSING .*npm install --save-dev kinesalite/);
  symlinkSync(
    realpathSync(join(root, 'node_modules/kinesalite')),
    join(app, 'node_modules/kinesalite'),
  );
  expect(run('testing.mjs', source)).toBe('50 50');
});
