// The daemon's control-plane client (ListShards through the SDK) signs with whatever credentials
// were pushed last: a rotation applies to the next call, not after some SDK cache expires.

import { create } from '@bufbuild/protobuf';
import { afterEach, expect, test } from '@jest/globals';
import { readConfig } from '../../packages/daemon/src/config.js';
import { CredentialsHolder } from '../../packages/daemon/src/credentials-holder.js';
import { createControlClient, listShardsWith } from '../../packages/daemon/src/kinesis-control.js';
import { userAgent, VERSION } from '../../packages/daemon/src/version.js';
import { ConfigurationSchema } from '../../packages/protocol/src/index.js';
import { FakeKinesis } from '../support/fake-kinesis.js';

const OLD = { accessKeyId: 'AKIDOLD', secretAccessKey: 'old-secret' };
const NEW = { accessKeyId: 'AKIDNEW', secretAccessKey: 'new-secret' };

let fake: FakeKinesis | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

test('ListShards signs with the credentials pushed last, from the very next call', async () => {
  fake = await FakeKinesis.start({ streams: { s: 3 }, verifySignatures: [OLD] });
  const seen: { key: string; ua: string }[] = [];
  fake.onRequest = (_op, req) => {
    const auth = String(req.headers.authorization);
    seen.push({
      key: auth.split('Credential=')[1]!.split('/')[0]!,
      ua: String(req.headers['user-agent']),
    });
  };
  const config = readConfig(
    create(ConfigurationSchema, { region: 'us-east-1', kinesisEndpointUrl: fake.endpoint }),
  );
  const creds = new CredentialsHolder();
  const client = createControlClient(config, creds, userAgent());
  try {
    const list = listShardsWith(client);
    const pending = list({ stream: 's' });
    // No credentials yet: the call waits for them instead of failing.
    creds.set(OLD);
    expect((await pending).shards).toHaveLength(3);

    fake.setAcceptedCredentials([NEW]);
    creds.set(NEW);
    expect((await list({ stream: 's' })).shards).toHaveLength(3);
    expect((await list({ stream: 's' })).shards).toHaveLength(3);

    // And the old key really is refused now, so the calls above proved the switch.
    creds.set(OLD);
    await expect(list({ stream: 's' })).rejects.toThrow(/security token/);
    expect(seen.map((s) => s.key)).toEqual(['AKIDOLD', 'AKIDNEW', 'AKIDNEW']);
    for (const s of seen) expect(s.ua).toContain(`kinesis-producer/${VERSION}`);
  } finally {
    client.destroy();
  }
});
