// Micro-benchmark of the hand-written hot codec against protobuf-es, same process, same inputs.
// Run: npx tsx packages/protocol/bench/codec-bench.ts
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttemptSchema,
  decodeMessage,
  MessageSchema,
  type PutRecordFields,
  type PutRecordResultFields,
  PutRecordResultSchema,
  PutRecordSchema,
  putRecordResultSize,
  putRecordSize,
  writePutRecord,
  writePutRecordResult,
} from '../src/index.js';

const SAMPLES = 7;
const SAMPLE_MS = 300;

let sink = 0;

/** Median ns/op over SAMPLES runs of about SAMPLE_MS each, after a warm-up. */
function measure(fn: (i: number) => number): number {
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < SAMPLE_MS) for (let k = 0; k < 1000; k++) sink += fn(i++);
  const perMs = i / SAMPLE_MS;
  const n = Math.max(1000, Math.round(perMs * SAMPLE_MS));
  const results: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < n; k++) sink += fn(k);
    results.push(Number(process.hrtime.bigint() - t0) / n);
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(SAMPLES / 2)]!;
}

const record: PutRecordFields = {
  streamName: 'my-stream',
  partitionKey: '3f2b8c1e-6a4d-4e0f-9b7a-1c2d3e4f5a6b',
  data: Buffer.alloc(100, 7),
};
const result: PutRecordResultFields = {
  attempts: [{ delay: 12, duration: 35, success: true }],
  success: true,
  shardId: 'shardId-000000000004',
  sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
};
const ID = 1_234_567;
const SOURCE_ID = 7_654_321;

const scratch = Buffer.allocUnsafe(64 * 1024);
let at = 0;
/** Encodes into a shared chunk as FrameWriter does, starting over when it is full. */
function reserve(size: number): number {
  if (at + size > scratch.length) at = 0;
  const o = at;
  at += size;
  return o;
}

const putMessage = () =>
  create(MessageSchema, {
    id: BigInt(ID),
    actualMessage: { case: 'putRecord', value: create(PutRecordSchema, record) },
  });
const resultMessage = () =>
  create(MessageSchema, {
    id: BigInt(ID),
    sourceId: BigInt(SOURCE_ID),
    actualMessage: {
      case: 'putRecordResult',
      value: create(PutRecordResultSchema, {
        ...result,
        attempts: result.attempts.map((a) => create(AttemptSchema, a)),
      }),
    },
  });
const putPrebuilt = putMessage();
const resultPrebuilt = resultMessage();
const putBytes = toBinary(MessageSchema, putPrebuilt);
const resultBytes = toBinary(MessageSchema, resultPrebuilt);

const rows: [string, number, number][] = [];
function row(name: string, ours: (i: number) => number, theirs: (i: number) => number): void {
  rows.push([name, measure(ours), measure(theirs)]);
}

row(
  `encode PutRecord (${putBytes.length} B, 100 B data), prebuilt`,
  (i) => {
    const size = putRecordSize(i, record);
    return writePutRecord(scratch, reserve(size), i, record);
  },
  (i) => {
    putPrebuilt.id = BigInt(i);
    return toBinary(MessageSchema, putPrebuilt).length;
  },
);
row(
  `encode PutRecord (${putBytes.length} B), create() per record`,
  (i) => {
    const size = putRecordSize(i, record);
    return writePutRecord(scratch, reserve(size), i, record);
  },
  () => toBinary(MessageSchema, putMessage()).length,
);
row(
  `decode PutRecord (${putBytes.length} B)`,
  () => (decodeMessage(putBytes).kind === 'putRecord' ? 1 : 0),
  () => fromBinary(MessageSchema, putBytes).actualMessage.case!.length,
);
row(
  `encode PutRecordResult, 1 attempt (${resultBytes.length} B), prebuilt`,
  (i) => {
    const size = putRecordResultSize(i, SOURCE_ID, result);
    return writePutRecordResult(scratch, reserve(size), i, SOURCE_ID, result);
  },
  (i) => {
    resultPrebuilt.id = BigInt(i);
    return toBinary(MessageSchema, resultPrebuilt).length;
  },
);
row(
  `decode PutRecordResult, 1 attempt (${resultBytes.length} B)`,
  () => (decodeMessage(resultBytes).kind === 'putRecordResult' ? 1 : 0),
  () => fromBinary(MessageSchema, resultBytes).actualMessage.case!.length,
);

console.log('operation'.padEnd(54), 'ours ns/op'.padStart(11), 'protobuf-es'.padStart(12), 'ratio');
for (const [name, ours, theirs] of rows) {
  console.log(
    name.padEnd(54),
    ours.toFixed(0).padStart(11),
    theirs.toFixed(0).padStart(12),
    `${(theirs / ours).toFixed(1)}x`.padStart(6),
  );
}
if (sink === 0) console.log('(sink)');
