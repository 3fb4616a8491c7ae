// A stand-in daemon that answers every record as successful, spending as little as it can: it
// reads only each frame's id. Answers leave 100 ms after the records came, the KPL's default
// RecordMaxBufferedTime, so the user's process holds as many records in flight as with a real
// daemon. Run as the producer's nativeExecutable (through echo-daemon.cjs), it leaves the
// user's process as the only real work: the wrapper's own cost per record and its ceiling.
import {
  FrameDecoder,
  putRecordResultsSize,
  resultsHead,
  writePutRecordResults,
} from '../../packages/protocol/src/index.js';

const TAG_ID = 0x08;
const TAG_PUT_RECORD = 0x1a;
const HEAD = resultsHead('shardId-000000000000', '49'.padEnd(56, '0'), 0);
const ANSWER_AFTER_MS = 100;
const decoder = new FrameDecoder();
let ids: number[] = [];
let delays: number[] = [];
let resultId = 0;

function readId(buf: Buffer, start: number, end: number): number {
  if (buf[start] !== TAG_ID) return -1;
  let value = 0;
  let scale = 1;
  let pos = start + 1;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 0x80;
  }
  return pos < end && buf[pos] === TAG_PUT_RECORD ? value : -1;
}

function answer(ids: number[], delays: number[]): void {
  const n = ids.length;
  const id = ++resultId;
  const out = Buffer.allocUnsafe(4 + putRecordResultsSize(id, HEAD, ids, delays, n));
  out.writeUInt32BE(out.length - 4, 0);
  writePutRecordResults(out, 4, id, HEAD, ids, delays, n);
  process.stdout.write(out);
}

process.stdin.on('data', (chunk: Buffer) => {
  decoder.each(chunk, (buf, start, end) => {
    const id = readId(buf, start, end);
    if (id >= 0) {
      ids.push(id);
      delays.push(0);
    }
  });
  if (ids.length > 0) setTimeout(answer, ANSWER_AFTER_MS, ids, delays);
  ids = [];
  delays = [];
});
process.stdin.on('end', () => process.exit(0));
