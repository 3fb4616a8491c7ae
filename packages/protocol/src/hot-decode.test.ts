// decodeMessage on inputs protobuf-es would never write: hand-built, malformed, inside a larger
// buffer.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, test } from '@jest/globals';
import { seeded as rng } from '../../../test/support/seeded.js';
import { MessageSchema } from './gen/messages_pb.js';
import {
  decodeMessage,
  encodeMessage,
  ProtocolDecodeError,
  putRecordSize,
  writePutRecord,
} from './hot-codec.js';
import {
  normaliseRecord,
  otherMessages,
  putRecordMessage,
  randomId,
  randomPutRecord,
  randomResult,
  resultMessage,
} from './wire-fixtures.js';

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

describe('decodeMessage with reuse', () => {
  test('hands out the same two objects, each time holding exactly the record just decoded (seed 6)', () => {
    const next = rng(6);
    const records = Array.from({ length: 200 }, () => randomPutRecord(next));
    const frames = records.map((r, i) =>
      Buffer.from(toBinary(MessageSchema, putRecordMessage(i + 1, r))),
    );
    let first: unknown;
    frames.forEach((frame, i) => {
      const plain = decodeMessage(frame);
      const reused = decodeMessage(frame, undefined, 0, frame.length, true);
      if (plain.kind !== 'putRecord' || reused.kind !== 'putRecord')
        throw new Error('not a record');
      first ??= reused;
      expect(reused).toBe(first);
      expect(reused.id).toBe(i + 1);
      expect(normaliseRecord(reused.record)).toEqual(normaliseRecord(records[i]!));
      expect(reused.record.partitionKeyEntry).toBe(plain.record.partitionKeyEntry);
      expect([reused.record.dataStart, reused.record.dataLength]).toEqual([
        plain.record.dataStart,
        plain.record.dataLength,
      ]);
      // The key's bytes where the decoder says they are.
      for (const r of [plain.record, reused.record]) {
        const k = r.partitionKeyStart;
        const bytes = frame.subarray(k, k + r.partitionKeyEntry.byteLength);
        expect(bytes.equals(Buffer.from(records[i]!.partitionKey))).toBe(true);
      }
    });
  });

  test('without reuse each record is its own object', () => {
    const frame = Buffer.from(
      toBinary(
        MessageSchema,
        putRecordMessage(1, { streamName: 's', partitionKey: 'k', data: Buffer.from('d') }),
      ),
    );
    expect(decodeMessage(frame)).not.toBe(decodeMessage(frame));
  });
});
