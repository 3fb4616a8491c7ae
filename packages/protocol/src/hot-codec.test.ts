import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
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
import {
  type AttemptFields,
  decodeMessage,
  encodeMessage,
  ProtocolDecodeError,
  type PutRecordFields,
  type PutRecordResultFields,
  putRecordResultSize,
  putRecordSize,
  successResultSize,
  successTail,
  writePutRecord,
  writePutRecordResult,
  writeSuccessResult,
} from './hot-codec.js';

const ID_EDGES = [
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
const UINT32_EDGES = [0, 1, 127, 128, 16384, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
// ASCII, Latin-1 (1 UTF-16 unit but 2 UTF-8 bytes: the trap for an ASCII fast path), CJK, emoji.
const ALPHABETS = ['abcXYZ019-_.', 'éüßñ', '中文字漢', '😀🚀🎉👍🏽'];

function randomString(next: () => number): string {
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

function randomId(next: () => number): number {
  if (next() < 0.3) return ID_EDGES[Math.floor(next() * ID_EDGES.length)]!;
  const bits = Math.floor(next() * 53) + 1;
  return Math.floor(next() * 2 ** bits);
}

function randomUint32(next: () => number): number {
  if (next() < 0.3) return UINT32_EDGES[Math.floor(next() * UINT32_EDGES.length)]!;
  return Math.floor(next() * 2 ** (Math.floor(next() * 32) + 1));
}

function randomData(next: () => number): Uint8Array {
  const roll = next();
  const size =
    roll < 0.05 ? 0 : roll < 0.07 ? 100 * 1024 : Math.floor(2 ** (next() * 17)) % (100 * 1024);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 97) data[i] = Math.floor(next() * 256);
  return data;
}

function randomPutRecord(next: () => number): PutRecordFields {
  const r: PutRecordFields = {
    streamName: randomString(next),
    partitionKey: randomString(next),
    data: randomData(next),
  };
  if (next() < 0.5) r.explicitHashKey = next() < 0.8 ? String(randomId(next)) : randomString(next);
  return r;
}

function randomResult(next: () => number): PutRecordResultFields {
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
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function putRecordMessage(id: number, r: PutRecordFields): Message {
  return create(MessageSchema, {
    id: BigInt(id),
    actualMessage: { case: 'putRecord', value: create(PutRecordSchema, defined(r)) },
  });
}

function resultMessage(id: number, sourceId: number, r: PutRecordResultFields): Message {
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
function encodeGuarded(size: number, write: (buf: Buffer, offset: number) => number): Buffer {
  const buf = Buffer.alloc(size + 6, 0xa5);
  const end = write(buf, 3);
  expect(end).toBe(3 + size);
  expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xa5, 0xa5, 0xa5]));
  expect(buf.subarray(end)).toEqual(Buffer.from([0xa5, 0xa5, 0xa5]));
  return buf.subarray(3, end);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), b) === 0;
}

function normaliseRecord(r: PutRecordFields): unknown {
  return {
    streamName: r.streamName,
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
    data: Buffer.from(r.data).toString('hex'),
  };
}

function normaliseResult(r: PutRecordResultFields): unknown {
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

describe('PutRecord, hand-written vs protobuf-es (seed 1)', () => {
  test('5,000 random messages encode to the bytes of toBinary and decode to the same fields', () => {
    const next = rng(1);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const r = randomPutRecord(next);
      const expected = toBinary(MessageSchema, putRecordMessage(id, r));
      const size = putRecordSize(id, r);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) => writePutRecord(buf, o, id, r));
      if (!sameBytes(expected, ours)) {
        throw new Error(`message ${i} differs: ${JSON.stringify(normaliseRecord(r))} id ${id}`);
      }

      const decoded = decodeMessage(expected);
      if (decoded.kind !== 'putRecord') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(id);
      expect(normaliseRecord(decoded.record)).toEqual(normaliseRecord(r));
      expect(decoded.record.partitionKeyEntry.text).toBe(r.partitionKey);
      // Zero-copy: the payload is a view of the input.
      expect(decoded.record.data.buffer).toBe(expected.buffer);
    }
  });

  test('lone surrogates are encoded as U+FFFD, like TextEncoder', () => {
    const r = { streamName: 'a\ud800b', partitionKey: '\udfff', data: new Uint8Array([1]) };
    const expected = toBinary(MessageSchema, putRecordMessage(5, r));
    const ours = encodeGuarded(putRecordSize(5, r), (buf, o) => writePutRecord(buf, o, 5, r));
    expect(sameBytes(expected, ours)).toBe(true);
  });

  test('rejects ids that are not non-negative safe integers', () => {
    const r = { streamName: 's', partitionKey: 'k', data: new Uint8Array(0) };
    for (const id of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => putRecordSize(id, r)).toThrow(RangeError);
      expect(() => writePutRecord(Buffer.alloc(64), 0, id, r)).toThrow(RangeError);
    }
  });
});

describe('PutRecordResult, hand-written vs protobuf-es (seed 2)', () => {
  test('5,000 random messages encode to the bytes of toBinary and decode to the same fields', () => {
    const next = rng(2);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const sourceId = randomId(next);
      const r = randomResult(next);
      const expected = toBinary(MessageSchema, resultMessage(id, sourceId, r));
      const size = putRecordResultSize(id, sourceId, r);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) => writePutRecordResult(buf, o, id, sourceId, r));
      if (!sameBytes(expected, ours)) {
        throw new Error(`message ${i} differs: ${JSON.stringify(r)} id ${id} source ${sourceId}`);
      }

      const decoded = decodeMessage(expected);
      if (decoded.kind !== 'putRecordResult') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(id);
      expect(decoded.sourceId).toBe(sourceId);
      expect(normaliseResult(decoded.result)).toEqual(normaliseResult(r));
    }
  });

  test('the shared-tail success encoder writes the same bytes as the general one', () => {
    const next = rng(7);
    for (let i = 0; i < 5000; i++) {
      const id = randomId(next);
      const sourceId = randomId(next);
      const r = randomResult(next);
      const shardId = r.shardId ?? '';
      const sequenceNumber = r.sequenceNumber ?? '';
      const delay = Math.floor(next() * 2 ** (next() * 32));
      const duration = Math.floor(next() * 2 ** (next() * 32));
      const general: PutRecordResultFields = {
        successful: true,
        attempts: [{ delay, duration, successful: true }],
        shardId,
        sequenceNumber,
      };
      const expected = toBinary(MessageSchema, resultMessage(id, sourceId, general));
      const tail = successTail(shardId, sequenceNumber);
      const size = successResultSize(id, sourceId, delay, duration, tail);
      expect(size).toBe(expected.length);
      const ours = encodeGuarded(size, (buf, o) =>
        writeSuccessResult(buf, o, id, sourceId, delay, duration, tail),
      );
      if (!sameBytes(expected, ours)) throw new Error(`message ${i} differs`);
    }
  });

  test('rejects attempt delays and durations outside uint32', () => {
    for (const bad of [-1, 2 ** 32, 0.5]) {
      const r = { attempts: [{ delay: bad, duration: 0, successful: true }], successful: true };
      expect(() => putRecordResultSize(1, 1, r)).toThrow(RangeError);
      const r2 = { attempts: [{ delay: 0, duration: bad, successful: true }], successful: true };
      expect(() => writePutRecordResult(Buffer.alloc(64), 0, 1, 1, r2)).toThrow(RangeError);
    }
  });
});

describe('decodeMessage of hand-built inputs', () => {
  // Minimal protobuf writer for inputs protobuf-es would never produce.
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  const tag = (no: number, wire: number): number[] => varint(no * 8 + wire);
  const delimited = (no: number, body: number[]): number[] => [
    ...tag(no, 2),
    ...varint(body.length),
    ...body,
  ];
  const text = (s: string): number[] => [...Buffer.from(s)];
  const unknowns = (): number[] => [
    ...tag(15, 0),
    ...varint(2 ** 40),
    ...tag(16, 1),
    ...[1, 2, 3, 4, 5, 6, 7, 8],
    ...tag(17, 5),
    ...[1, 2, 3, 4],
    ...delimited(18, [9, 9, 9]),
    // A group holding a varint and a nested group.
    ...tag(19, 3),
    ...tag(1, 0),
    7,
    ...tag(2, 3),
    ...tag(2, 4),
    ...tag(19, 4),
  ];

  test('skips unknown fields of every wire type and accepts any field order', () => {
    const body = [
      ...unknowns(),
      ...delimited(4, [1, 2, 3]),
      ...delimited(2, text('pk')),
      ...unknowns(),
      ...delimited(1, text('stream')),
    ];
    const bytes = new Uint8Array([
      ...unknowns(),
      ...delimited(3, body),
      ...tag(1, 0),
      ...varint(42),
      ...unknowns(),
    ]);
    const decoded = decodeMessage(bytes);
    expect(decoded.kind).toBe('putRecord');
    if (decoded.kind !== 'putRecord') return;
    expect(decoded.id).toBe(42);
    expect(normaliseRecord(decoded.record)).toEqual(
      normaliseRecord({
        streamName: 'stream',
        partitionKey: 'pk',
        data: new Uint8Array([1, 2, 3]),
      }),
    );
    const reference = fromBinary(MessageSchema, bytes);
    expect(reference.actualMessage.value).toMatchObject({
      streamName: 'stream',
      partitionKey: 'pk',
    });
  });

  test('for a repeated scalar field the last occurrence wins, as in protobuf', () => {
    const body = [
      ...delimited(1, text('first')),
      ...delimited(1, text('second')),
      ...delimited(2, text('k')),
      ...delimited(4, []),
    ];
    const bytes = new Uint8Array([...tag(1, 0), 1, ...tag(1, 0), 2, ...delimited(3, body)]);
    const decoded = decodeMessage(bytes);
    expect(decoded).toMatchObject({ kind: 'putRecord', id: 2, record: { streamName: 'second' } });
  });

  test('invalid UTF-8 becomes U+FFFD exactly as protobuf-es decodes it', () => {
    const next = rng(3);
    const samples = [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80]];
    for (let i = 0; i < 1000; i++) {
      const n = Math.floor(next() * 12);
      samples.push(Array.from({ length: n }, () => Math.floor(next() * 256)));
    }
    for (const raw of samples) {
      const body = [...delimited(1, raw), ...delimited(2, raw), ...delimited(4, raw)];
      const bytes = new Uint8Array([...tag(1, 0), 1, ...delimited(3, body)]);
      const reference = fromBinary(MessageSchema, bytes).actualMessage.value as {
        streamName: string;
      };
      const decoded = decodeMessage(bytes);
      if (decoded.kind !== 'putRecord') throw new Error('not a putRecord');
      expect(decoded.record.streamName).toBe(reference.streamName);
      expect(decoded.record.partitionKey).toBe(reference.streamName);
    }
  });

  test('a uint32 field given more than 32 bits keeps the low 32, as protobuf-es does', () => {
    const attempt = [...tag(1, 0), ...varint(2 ** 40 + 5), ...tag(2, 0), 0, ...tag(3, 0), 1];
    const body = [...delimited(1, attempt), ...tag(2, 0), 1];
    const bytes = new Uint8Array([...tag(1, 0), 1, ...tag(2, 0), 9, ...delimited(5, body)]);
    const reference = fromBinary(MessageSchema, bytes).actualMessage.value as {
      attempts: { delay: number }[];
    };
    const decoded = decodeMessage(bytes);
    if (decoded.kind !== 'putRecordResult') throw new Error('not a putRecordResult');
    expect(decoded.result.attempts[0]!.delay).toBe(reference.attempts[0]!.delay);
    expect(decoded.result.attempts[0]!.delay).toBe(5);
  });

  const rejects: [string, number[], RegExp][] = [
    ['an empty input', [], /Message\.id/],
    ['a message without id', delimited(4, []), /Message\.id/],
    ['a message without payload', [...tag(1, 0), 1], /no payload/],
    ['an unknown payload field only', [...tag(1, 0), 1, ...delimited(11, [])], /no payload/],
    [
      'two payloads',
      [...tag(1, 0), 1, ...delimited(4, []), ...delimited(3, [])],
      /two payloads \(fields 4 and 3\)/,
    ],
    ['id with the wrong wire type', [...delimited(1, []), ...delimited(4, [])], /Message\.id/],
    [
      'PutRecord without stream_name',
      [...tag(1, 0), 1, ...delimited(3, [...delimited(2, []), ...delimited(4, [])])],
      /PutRecord\.stream_name/,
    ],
    [
      'PutRecord without partition_key',
      [...tag(1, 0), 1, ...delimited(3, [...delimited(1, []), ...delimited(4, [])])],
      /PutRecord\.partition_key/,
    ],
    [
      'PutRecord without data',
      [...tag(1, 0), 1, ...delimited(3, [...delimited(1, []), ...delimited(2, [])])],
      /PutRecord\.data/,
    ],
    [
      'PutRecord.data as a varint',
      [
        ...tag(1, 0),
        1,
        ...delimited(3, [...delimited(1, []), ...delimited(2, []), ...tag(4, 0), 0]),
      ],
      /PutRecord\.data has wire type varint, expected length-delimited/,
    ],
    [
      'PutRecordResult without source_id',
      [...tag(1, 0), 1, ...delimited(5, [...tag(2, 0), 1])],
      /Message\.source_id/,
    ],
    [
      'PutRecordResult without success',
      [...tag(1, 0), 1, ...tag(2, 0), 1, ...delimited(5, [])],
      /PutRecordResult\.success/,
    ],
    [
      'Attempt without success',
      [
        ...tag(1, 0),
        1,
        ...tag(2, 0),
        1,
        ...delimited(5, [...delimited(1, [...tag(1, 0), 0, ...tag(2, 0), 0]), ...tag(2, 0), 1]),
      ],
      /Attempt\.success/,
    ],
    [
      'an attempt whose field overruns the attempt',
      [
        ...tag(1, 0),
        1,
        ...tag(2, 0),
        1,
        // The attempt claims 2 bytes, its last varint continues into the next field.
        ...delimited(5, [...delimited(1, [...tag(1, 0), 0x80]), ...tag(2, 0), 1]),
      ],
      /truncated/,
    ],
    [
      'an id above 2^53 - 1 on a hot message',
      [...tag(1, 0), ...varint(2 ** 53), ...delimited(3, [])],
      /2\^53/,
    ],
    ['a varint of 11 bytes', [...tag(1, 0), ...Array(10).fill(0xff), 0], /longer than 10 bytes/],
    ['field number 0', [0x00, 0x01], /illegal tag/],
    ['wire type 6', [...tag(1, 6)], /illegal tag/],
    ['a stray end-group tag', [...tag(1, 0), 1, ...tag(7, 4)], /end-group/],
    [
      'a group closed by another field',
      [...tag(1, 0), 1, ...tag(20, 3), ...tag(21, 4)],
      /group 20/,
    ],
    [
      'SetCredentials without credentials',
      [...tag(1, 0), 1, ...delimited(9, [...tag(1, 0), 1])],
      /Message\.setCredentials\.credentials/,
    ],
    [
      'Credentials without akid',
      [...tag(1, 0), 1, ...delimited(9, delimited(2, delimited(2, text('secret'))))],
      /setCredentials\.credentials\.akid/,
    ],
  ];
  test.each(rejects)('rejects %s', (_name, bytes, reason) => {
    let error: unknown;
    try {
      decodeMessage(new Uint8Array(bytes));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    expect((error as Error).message).toMatch(reason);
  });
});

function otherMessages(): Message[] {
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

describe('other messages go through protobuf-es', () => {
  test.each(otherMessages().map((m) => [m.actualMessage.case, m] as const))(
    '%s round-trips through encodeMessage and decodeMessage',
    (_case, message) => {
      const bytes = encodeMessage(message);
      expect(sameBytes(toBinary(MessageSchema, message), bytes)).toBe(true);
      const decoded = decodeMessage(bytes);
      if (decoded.kind !== 'other') throw new Error(`decoded as ${decoded.kind}`);
      expect(decoded.id).toBe(Number(message.id));
      expect(decoded.message.id).toBe(message.id);
      expect(equals(MessageSchema, decoded.message, message)).toBe(true);
    },
  );
});

describe('malformed input only ever throws ProtocolDecodeError', () => {
  function samples(): Uint8Array[] {
    const next = rng(4);
    const out: Uint8Array[] = otherMessages().map((m) => encodeMessage(m));
    for (let i = 0; i < 20; i++) {
      const r = randomPutRecord(next);
      r.data = r.data.subarray(0, 50);
      out.push(toBinary(MessageSchema, putRecordMessage(randomId(next), r)));
      out.push(
        toBinary(MessageSchema, resultMessage(randomId(next), randomId(next), randomResult(next))),
      );
    }
    return out;
  }

  test('every truncation of valid messages is rejected', () => {
    for (const full of samples()) {
      expect(() => decodeMessage(full)).not.toThrow();
      for (let cut = 0; cut < full.length; cut++) {
        const truncated = full.slice(0, cut);
        let error: unknown;
        try {
          decodeMessage(truncated);
        } catch (e) {
          error = e;
        }
        if (!(error instanceof ProtocolDecodeError)) {
          throw new Error(`cut at ${cut} of ${Buffer.from(full).toString('hex')}: got ${error}`);
        }
      }
    }
  });

  test('random corruption either decodes or throws ProtocolDecodeError (seed 5)', () => {
    const next = rng(5);
    const valid = samples();
    let decoded = 0;
    for (let i = 0; i < 20000; i++) {
      const bytes = Uint8Array.from(valid[Math.floor(next() * valid.length)]!);
      const flips = 1 + Math.floor(next() * 3);
      for (let f = 0; f < flips; f++) {
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      }
      try {
        decodeMessage(bytes);
        decoded++;
      } catch (e) {
        if (!(e instanceof ProtocolDecodeError)) {
          throw new Error(`${Buffer.from(bytes).toString('hex')} threw ${String(e)}`);
        }
      }
    }
    // Both outcomes must have happened, or the corruption is not exercising anything.
    expect(decoded).toBeGreaterThan(100);
    expect(decoded).toBeLessThan(20000);
  });
});

describe('decodeMessage of a range', () => {
  const record = { streamName: 'stream', partitionKey: 'key-1', data: Buffer.from('payload') };
  const message = (): Buffer => {
    const m = Buffer.alloc(putRecordSize(9, record));
    writePutRecord(m, 0, 9, record);
    return m;
  };

  test('reads bytes start to end of a larger buffer, as the daemon does with its input', () => {
    const m = message();
    const buf = Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), m, Buffer.from([0x08, 0x01])]);
    const decoded = decodeMessage(buf, undefined, 3, 3 + m.length);
    if (decoded.kind !== 'putRecord') throw new Error(`decoded as ${decoded.kind}`);
    expect(decoded.id).toBe(9);
    expect(decoded.record.partitionKey).toBe('key-1');
    expect(Buffer.from(decoded.record.data).toString()).toBe('payload');
  });

  test('counts the positions in its errors from the start of the message', () => {
    const m = message();
    const truncated = m.subarray(0, m.length - 3);
    const alone = (() => {
      try {
        decodeMessage(truncated);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    const inside = (() => {
      try {
        decodeMessage(
          Buffer.concat([Buffer.alloc(11), truncated]),
          undefined,
          11,
          11 + truncated.length,
        );
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(alone).toMatch(/at byte \d+/);
    expect(inside).toBe(alone);
  });
});
