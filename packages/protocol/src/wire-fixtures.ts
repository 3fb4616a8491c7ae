import { create } from '@bufbuild/protobuf';
import { expect } from '@jest/globals';
import { ConfigurationSchema } from './gen/config_pb.js';
import {
  AttemptSchema,
  CredentialsSchema,
  FatalErrorSchema,
  FlushSchema,
  type Message,
  MessageSchema,
  MetricSchema,
  MetricsRequestSchema,
  MetricsResponseSchema,
  PutRecordResultSchema,
  PutRecordSchema,
  SetCredentialsSchema,
  StatsSchema,
  StreamMetadataSchema,
} from './gen/messages_pb.js';
import type { AttemptFields, PutRecordFields, PutRecordResultFields } from './hot-codec.js';

// Random and hand-made inputs for the codec tests (hot-codec.test.ts, hot-decode.test.ts).
export const ID_EDGES = [
  0,
  1,
  127,
  128,
  16383,
  16384,
  2 ** 21 - 1,
  2 ** 21,
  2 ** 28 - 1,
  2 ** 28,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 35,
  2 ** 42,
  2 ** 49,
  2 ** 53 - 1,
];
export const UINT32_EDGES = [0, 1, 127, 128, 16384, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
// ASCII, Latin-1 (1 UTF-16 unit but 2 UTF-8 bytes: the trap for an ASCII fast path), CJK, emoji.
export const ALPHABETS = ['abcXYZ019-_.', 'éüßñ', '中文字漢', '😀🚀🎉👍🏽'];

export function randomString(next: () => number): string {
  const kind = Math.floor(next() * 6);
  if (kind === 0) return '';
  const length = Math.floor(next() * (next() < 0.1 ? 300 : 40));
  let s = '';
  for (let i = 0; i < length; i++) {
    const alphabet = kind <= 2 ? ALPHABETS[0]! : ALPHABETS[Math.floor(next() * ALPHABETS.length)]!;
    const chars = Array.from(alphabet);
    s += chars[Math.floor(next() * chars.length)];
  }
  return s;
}

export function randomId(next: () => number): number {
  if (next() < 0.3) return ID_EDGES[Math.floor(next() * ID_EDGES.length)]!;
  const bits = Math.floor(next() * 53) + 1;
  return Math.floor(next() * 2 ** bits);
}

export function randomUint32(next: () => number): number {
  if (next() < 0.3) return UINT32_EDGES[Math.floor(next() * UINT32_EDGES.length)]!;
  return Math.floor(next() * 2 ** (Math.floor(next() * 32) + 1));
}

export function randomData(next: () => number): Uint8Array {
  const roll = next();
  const size =
    roll < 0.05 ? 0 : roll < 0.07 ? 100 * 1024 : Math.floor(2 ** (next() * 17)) % (100 * 1024);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 97) data[i] = Math.floor(next() * 256);
  return data;
}

export function randomPutRecord(next: () => number): PutRecordFields {
  const r: PutRecordFields = {
    streamName: randomString(next),
    partitionKey: randomString(next),
    data: randomData(next),
  };
  if (next() < 0.5) r.explicitHashKey = next() < 0.8 ? String(randomId(next)) : randomString(next);
  return r;
}

export function randomResult(next: () => number): PutRecordResultFields {
  const attempts: AttemptFields[] = [];
  const count = Math.floor(next() * 11);
  for (let i = 0; i < count; i++) {
    const a: AttemptFields = {
      delay: randomUint32(next),
      duration: randomUint32(next),
      successful: next() < 0.5,
    };
    if (next() < 0.5) a.errorCode = next() < 0.2 ? '' : randomString(next);
    if (next() < 0.5) a.errorMessage = next() < 0.2 ? '' : randomString(next);
    attempts.push(a);
  }
  const result: PutRecordResultFields = { attempts, successful: next() < 0.5 };
  if (next() < 0.5) result.shardId = next() < 0.1 ? '' : `shardId-${randomString(next)}`;
  if (next() < 0.5) result.sequenceNumber = next() < 0.1 ? '' : String(randomId(next));
  return result;
}

// create() sees every given key as set, so absent optional fields must not be passed at all.
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function putRecordMessage(id: number, r: PutRecordFields): Message {
  return create(MessageSchema, {
    id: BigInt(id),
    actualMessage: { case: 'putRecord', value: create(PutRecordSchema, defined(r)) },
  });
}

export function resultMessage(id: number, sourceId: number, r: PutRecordResultFields): Message {
  // Our field is `successful`, the message's `success`.
  const value = create(PutRecordResultSchema, {
    ...defined({ ...r, successful: undefined, attempts: undefined }),
    success: r.successful,
    attempts: r.attempts.map((a) =>
      create(AttemptSchema, { ...defined({ ...a, successful: undefined }), success: a.successful }),
    ),
  });
  return create(MessageSchema, {
    id: BigInt(id),
    sourceId: BigInt(sourceId),
    actualMessage: { case: 'putRecordResult', value },
  });
}

/** Writes at an odd offset between guard bytes, so an overrun or short write shows. */
export function encodeGuarded(
  size: number,
  write: (buf: Buffer, offset: number) => number,
): Buffer {
  const buf = Buffer.alloc(size + 6, 0xa5);
  const end = write(buf, 3);
  expect(end).toBe(3 + size);
  expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xa5, 0xa5, 0xa5]));
  expect(buf.subarray(end)).toEqual(Buffer.from([0xa5, 0xa5, 0xa5]));
  return buf.subarray(3, end);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), b) === 0;
}

export function normaliseRecord(r: PutRecordFields): unknown {
  return {
    streamName: r.streamName,
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
    data: Buffer.from(r.data).toString('hex'),
  };
}

export function normaliseResult(r: PutRecordResultFields): unknown {
  return {
    successful: r.successful,
    shardId: r.shardId,
    sequenceNumber: r.sequenceNumber,
    attempts: r.attempts.map((a) => ({
      ...a,
      errorCode: a.errorCode,
      errorMessage: a.errorMessage,
    })),
  };
}

export function otherMessages(): Message[] {
  const m = (init: Parameters<typeof create<typeof MessageSchema>>[1]): Message =>
    create(MessageSchema, init);
  return [
    m({ id: 1n, actualMessage: { case: 'flush', value: create(FlushSchema) } }),
    m({
      id: 2n,
      actualMessage: { case: 'flush', value: create(FlushSchema, { streamName: 's' }) },
    }),
    m({
      id: 9223372036854775807n,
      actualMessage: {
        case: 'setCredentials',
        value: create(SetCredentialsSchema, {
          forMetrics: true,
          credentials: create(CredentialsSchema, { akid: 'AKID', secretKey: 'sk', token: 'tok' }),
        }),
      },
    }),
    m({
      id: 3n,
      actualMessage: {
        case: 'metricsRequest',
        value: create(MetricsRequestSchema, { seconds: 60n }),
      },
    }),
    m({ id: 4n, actualMessage: { case: 'metricsRequest', value: create(MetricsRequestSchema) } }),
    m({
      id: 0n,
      actualMessage: {
        case: 'configuration',
        value: create(ConfigurationSchema, {
          region: 'us-east-1',
          aggregationEnabled: false,
          recordMaxBufferedTime: 250n,
          additionalMetricDims: [{ key: 'k', value: 'v', granularity: 'stream' }],
        }),
      },
    }),
    m({
      id: 5n,
      actualMessage: {
        case: 'fatalError',
        value: create(FatalErrorSchema, { code: 'CONFIG', message: 'bad region 😀' }),
      },
    }),
    m({
      id: 6n,
      sourceId: 3n,
      actualMessage: {
        case: 'metricsResponse',
        value: create(MetricsResponseSchema, {
          metrics: [
            create(MetricSchema, {
              name: 'UserRecordsPut',
              dimensions: [{ key: 'StreamName', value: 's' }],
              stats: create(StatsSchema, { count: 1, sum: 2, mean: 2, min: 2, max: 2 }),
              seconds: 60n,
            }),
          ],
        }),
      },
    }),
    m({
      id: 7n,
      actualMessage: {
        case: 'streamMetadata',
        value: create(StreamMetadataSchema, { streamName: 's', streamId: 'id' }),
      },
    }),
  ];
}
