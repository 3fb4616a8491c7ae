// Each control-message builder yields the message the other side decodes, field for field.

import { create, isFieldSet } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { isExpiredCode, RecordErrorCode } from './contract.js';
import {
  configurationMessage,
  fatalErrorMessage,
  flushMessage,
  metricsRequestMessage,
  metricsResponseMessage,
  setCredentialsMessage,
  streamMetadataMessage,
} from './control-messages.js';
import { ConfigurationSchema } from './gen/config_pb.js';
import { CredentialsSchema, FlushSchema, type Message } from './gen/messages_pb.js';
import { decodeMessage, encodeMessage } from './hot-codec.js';

function roundTrip(m: Message): Message {
  const d = decodeMessage(encodeMessage(m));
  if (d.kind !== 'other') throw new Error(`decoded as ${d.kind}`);
  return d.message;
}

describe('control messages', () => {
  test('configuration', () => {
    const config = create(ConfigurationSchema, { region: 'eu-west-1', aggregationMaxCount: 7n });
    const a = roundTrip(configurationMessage(config)).actualMessage;
    expect(a.case).toBe('configuration');
    if (a.case !== 'configuration') return;
    expect(a.value.region).toBe('eu-west-1');
    expect(a.value.aggregationMaxCount).toBe(7n);
  });

  test('credentials: a blank session token is left out, forMetrics kept', () => {
    const a = roundTrip(
      setCredentialsMessage({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: '' }, true),
    ).actualMessage;
    expect(a.case).toBe('setCredentials');
    if (a.case !== 'setCredentials') return;
    expect(a.value.forMetrics).toBe(true);
    expect(a.value.credentials?.akid).toBe('AK');
    expect(a.value.credentials?.secretKey).toBe('SK');
    expect(isFieldSet(a.value.credentials!, CredentialsSchema.field.token)).toBe(false);
  });

  test('flush of one stream and of all', () => {
    const one = roundTrip(flushMessage('s1')).actualMessage;
    const all = roundTrip(flushMessage()).actualMessage;
    expect(one.case === 'flush' && one.value.streamName).toBe('s1');
    expect(all.case === 'flush' && isFieldSet(all.value, FlushSchema.field.streamName)).toBe(false);
  });

  test('metrics request and its response keep their ids', () => {
    const req = roundTrip(metricsRequestMessage(42n, 'UserRecordsPut', 5n));
    expect(req.id).toBe(42n);
    const a = req.actualMessage;
    expect(a.case === 'metricsRequest' && [a.value.name, a.value.seconds]).toEqual([
      'UserRecordsPut',
      5n,
    ]);
    const res = roundTrip(metricsResponseMessage(7n, 42n, undefined));
    expect([res.id, res.sourceId, res.actualMessage.case]).toEqual([7n, 42n, 'metricsResponse']);
  });

  test('stream metadata and fatal error', () => {
    const sm = roundTrip(streamMetadataMessage('s', 'id-1')).actualMessage;
    expect(sm.case === 'streamMetadata' && [sm.value.streamName, sm.value.streamId]).toEqual([
      's',
      'id-1',
    ]);
    const fe = roundTrip(fatalErrorMessage('CONFIG', 'no region')).actualMessage;
    expect(fe.case === 'fatalError' && [fe.value.code, fe.value.message]).toEqual([
      'CONFIG',
      'no region',
    ]);
  });
});

describe('record error codes', () => {
  test('exactly the Expired… codes count as expiry', () => {
    const expired = Object.values(RecordErrorCode).filter(isExpiredCode);
    expect(expired.sort()).toEqual([
      'ExpiredAfterRetries',
      'ExpiredBeforeSend',
      'ExpiredWaitingForCredentials',
      'ExpiredWaitingForRateLimit',
    ]);
    expect(isExpiredCode(undefined)).toBe(false);
    expect(isExpiredCode('ProvisionedThroughputExceededException')).toBe(false);
  });
});
