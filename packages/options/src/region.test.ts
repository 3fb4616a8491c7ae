import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { ConfigurationSchema } from '@kinesis-producer/protocol';
import { isolateAwsEnv } from '../../../test/support/aws-env.js';
import { resolveRegion, sdkRegionChain, withRegion } from './region.js';

const never = () => Promise.reject(new Error('the chain must not be asked'));

describe('resolveRegion', () => {
  test('the option wins, at once', () => {
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'us-east-2' }, never)).toBe('eu-west-1');
  });

  test('then AWS_REGION, then AWS_DEFAULT_REGION, at once', () => {
    const env = { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ap-south-1' };
    expect(resolveRegion(undefined, env, never)).toBe('us-east-2');
    expect(resolveRegion('', { AWS_DEFAULT_REGION: 'ap-south-1' }, never)).toBe('ap-south-1');
  });

  test('otherwise the chain answers later, and a chain that fails means no region', async () => {
    const later = resolveRegion(undefined, {}, async () => 'sa-east-1');
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe('sa-east-1');
    await expect(resolveRegion(undefined, {}, never)).resolves.toBe('');
    await expect(resolveRegion(undefined, {}, async () => undefined)).resolves.toBe('');
  });

  test('withRegion fills the configuration in place, or promises it', async () => {
    const now = withRegion(create(ConfigurationSchema, {}), { AWS_REGION: 'us-west-2' }, never);
    expect(now).not.toBeInstanceOf(Promise);
    expect((now as { region: string }).region).toBe('us-west-2');
    const later = withRegion(create(ConfigurationSchema, {}), {}, async () => 'eu-north-1');
    expect(later).toBeInstanceOf(Promise);
    expect((await later).region).toBe('eu-north-1');
  });
});

describe("the SDK's region chain", () => {
  async function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
    const restore = isolateAwsEnv();
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      restore();
    }
  }

  test("reads the profile's region from the shared config file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-region-'));
    try {
      writeFileSync(
        join(dir, 'config'),
        '[default]\nregion = us-west-1\n[profile work]\nregion = eu-central-1\n',
      );
      writeFileSync(join(dir, 'credentials'), '');
      const env = {
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      await expect(withEnv({ ...env, AWS_PROFILE: 'work' }, sdkRegionChain)).resolves.toBe(
        'eu-central-1',
      );
      await expect(withEnv(env, sdkRegionChain)).resolves.toBe('us-west-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('finds nothing when no file and no environment has a region', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-region-'));
    try {
      const env = {
        AWS_CONFIG_FILE: join(dir, 'missing-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'missing-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      await expect(withEnv(env, sdkRegionChain)).resolves.toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
