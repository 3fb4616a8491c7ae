import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { readCaCertificates, TransportSettingsError } from './tls.js';

const dir = mkdtempSync(join(tmpdir(), 'kp-transport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = (n: number) => `-----BEGIN CERTIFICATE-----\nQ0VSVCB${n}\n-----END CERTIFICATE-----\n`;

describe('readCaCertificates', () => {
  test('a bundle file gives every certificate in it', () => {
    const path = join(dir, 'bundle.pem');
    writeFileSync(path, `# comment\n${pem(1)}text between\n${pem(2)}`);
    expect(readCaCertificates(path)).toEqual([pem(1).trim(), pem(2).trim()]);
  });

  test('a directory gives the certificates of all its files, whatever their names', () => {
    const d = join(dir, 'certs');
    mkdirSync(d);
    writeFileSync(join(d, 'a1b2c3d4.0'), pem(3));
    writeFileSync(join(d, 'corp.crt'), pem(4));
    writeFileSync(join(d, 'README'), 'no certificate here');
    mkdirSync(join(d, 'nested'));
    expect(readCaCertificates(d)).toEqual([pem(3).trim(), pem(4).trim()]);
  });

  test('a missing path or one without certificates is a configuration error naming it', () => {
    expect(() => readCaCertificates(join(dir, 'missing.pem'))).toThrow(TransportSettingsError);
    expect(() => readCaCertificates(join(dir, 'missing.pem'))).toThrow(/caCertPath .*missing\.pem/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => readCaCertificates(empty)).toThrow(/holds no PEM certificate/);
  });
});
