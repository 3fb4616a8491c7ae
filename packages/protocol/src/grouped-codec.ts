// GroupedResults: the first-attempt successes of one turn of the daemon, in ascending source id
// order, so that the wrapper settles them walking its journal forward. A table of heads (what the
// records of one Kinesis record share), then per record its id as a delta from the previous one
// (mostly 1: one byte), its head's index and its delay.
import { type ResultHeadFields, readHeadField } from './batch-codec.js';
import { ProtocolDecodeError } from './decode-error.js';
import { WIRE_DELIMITED, WIRE_VARINT, type WireReader } from './wire-reader.js';
import { assertId, varintSize, writeVarint } from './wire-write.js';

const TAG_ID = 0x08; // Message.id = 1
// Message.grouped_results = 1002, length-delimited: (1002 << 3) | 2 = 8018 as a varint.
const TAG_GROUPED = [0xd2, 0x3e] as const;
const TAG_HEAD = 0x0a; // 1, repeated ResultHead
const TAG_ID_DELTAS = 0x12; // 2, packed
const TAG_HEAD_INDEXES = 0x1a; // 3, packed
const TAG_DELAYS = 0x22; // 4, packed

export const FIELD_GROUPED_RESULTS = 1002;

/**
 * A turn's successes as the daemon holds them, in arrival order: record i has id sourceIds[i],
 * delay delays[i] and head heads[headOf[i]] (a ResultHead's encoded fields, from resultsHead()).
 * `order` lists the record indexes in ascending id order.
 */
export interface GroupedResultsSource {
  readonly heads: readonly Buffer[];
  readonly sourceIds: ArrayLike<number>;
  readonly headOf: ArrayLike<number>;
  readonly delays: ArrayLike<number>;
  readonly order: ArrayLike<number>;
}

/**
 * One message's share of a source: records order[from..to) and the heads they use, renumbered
 * in the order first used. `localOf` maps a head of the source to its number in this message
 * (-1: not used); it has an entry per head, all -1 before planning and again after writing.
 */
export interface GroupedChunk {
  readonly from: number;
  to: number;
  readonly heads: number[];
  headsLength: number;
  idsLength: number;
  indexesLength: number;
  delaysLength: number;
}

function packedSize(length: number): number {
  return length === 0 ? 0 : 1 + varintSize(length) + length;
}

function chunkBodySize(c: GroupedChunk): number {
  return (
    c.headsLength +
    packedSize(c.idsLength) +
    packedSize(c.indexesLength) +
    packedSize(c.delaysLength)
  );
}

/**
 * Takes records from `from` on while the message stays within `budget` bytes (at least one
 * record, whatever its size: a head is a few hundred bytes at most).
 */
export function planGroupedChunk(
  src: GroupedResultsSource,
  from: number,
  budget: number,
  localOf: Int32Array,
): GroupedChunk {
  const { heads, sourceIds, headOf, delays, order } = src;
  const c: GroupedChunk = {
    from,
    to: from,
    heads: [],
    headsLength: 0,
    idsLength: 0,
    indexesLength: 0,
    delaysLength: 0,
  };
  // Room for the Message's own tags and lengths, and the packed fields' tags and lengths.
  const limit = budget - 64;
  // Sums kept in locals, written to the chunk once: this loop runs once per result.
  let size = 0;
  let idsLength = 0;
  let indexesLength = 0;
  let delaysLength = 0;
  let prev = 0;
  let k = from;
  const n = order.length;
  for (; k < n; k++) {
    const i = order[k]!;
    const h = headOf[i]!;
    let local = localOf[h]!;
    let headBytes = 0;
    if (local < 0) {
      const hl = heads[h]!.length;
      headBytes = 1 + varintSize(hl) + hl;
      local = c.heads.length;
    }
    const id = sourceIds[i]!;
    const idBytes = varintSize(id - prev);
    const localBytes = varintSize(local);
    const delayBytes = varintSize(delays[i]!);
    const add = headBytes + idBytes + localBytes + delayBytes;
    if (size + add > limit && k > from) break;
    if (headBytes !== 0) {
      localOf[h] = local;
      c.heads.push(h);
      c.headsLength += headBytes;
    }
    idsLength += idBytes;
    indexesLength += localBytes;
    delaysLength += delayBytes;
    size += add;
    prev = id;
  }
  c.to = k;
  c.idsLength = idsLength;
  c.indexesLength = indexesLength;
  c.delaysLength = delaysLength;
  return c;
}

/** Bytes of the Message carrying `chunk`. */
export function groupedResultsSize(id: number, chunk: GroupedChunk): number {
  assertId('id', id);
  const body = chunkBodySize(chunk);
  return 1 + varintSize(id) + 2 + varintSize(body) + body;
}

/** Writes the Message carrying `chunk`, and resets `localOf` for the next one. */
export function writeGroupedResults(
  buf: Buffer,
  offset: number,
  id: number,
  src: GroupedResultsSource,
  chunk: GroupedChunk,
  localOf: Int32Array,
): number {
  const { heads, sourceIds, headOf, delays, order } = src;
  const { from, to } = chunk;
  let o = offset;
  buf[o++] = TAG_ID;
  o = writeVarint(buf, o, id);
  buf[o++] = TAG_GROUPED[0];
  buf[o++] = TAG_GROUPED[1];
  o = writeVarint(buf, o, chunkBodySize(chunk));
  for (const h of chunk.heads) {
    const head = heads[h]!;
    buf[o++] = TAG_HEAD;
    o = writeVarint(buf, o, head.length);
    head.copy(buf, o);
    o += head.length;
  }
  if (to > from) {
    buf[o++] = TAG_ID_DELTAS;
    o = writeVarint(buf, o, chunk.idsLength);
    let prev = 0;
    for (let k = from; k < to; k++) {
      const id = sourceIds[order[k]!]!;
      o = writeVarint(buf, o, id - prev);
      prev = id;
    }
    buf[o++] = TAG_HEAD_INDEXES;
    o = writeVarint(buf, o, chunk.indexesLength);
    for (let k = from; k < to; k++) o = writeVarint(buf, o, localOf[headOf[order[k]!]!]!);
    buf[o++] = TAG_DELAYS;
    o = writeVarint(buf, o, chunk.delaysLength);
    for (let k = from; k < to; k++) o = writeVarint(buf, o, delays[order[k]!]!);
  }
  for (const h of chunk.heads) localOf[h] = -1;
  return o;
}

export interface GroupedResultsFields {
  heads: ResultHeadFields[];
  /** Ascending. */
  sourceIds: Float64Array;
  /** Per record, its entry in heads. */
  headIndexes: Uint32Array;
  delays: Uint32Array;
}

// The per-record fields are read into typed arrays sized by counting the varints of each packed
// run before reading it: pushing onto JS arrays regrew each one several times per message, and
// that garbage (about 80 bytes per record over the three fields) was the largest share of what
// settling cost the user's process in young-generation collections.
const NO_IDS = new Float64Array(0);
const NO_UINT32S = new Uint32Array(0);

/** Values of one repeated field read so far: `values` may be longer than `length`. */
class Column<A extends Float64Array | Uint32Array> {
  length = 0;

  constructor(
    public values: A,
    private readonly make: (n: number) => A,
  ) {}

  /** Room for `more` values after `length`; a field split into several runs grows it. */
  reserve(more: number): A {
    const need = this.length + more;
    if (need > this.values.length) {
      const grown = this.make(Math.max(need, 2 * this.values.length));
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    return this.values;
  }

  done(): A {
    const v = this.values;
    return (v.length === this.length ? v : v.subarray(0, this.length)) as A;
  }
}

const newIds = (n: number) => new Float64Array(n);
const newUint32s = (n: number) => new Uint32Array(n);

/** Varints in the rest of the reader's limit: bytes without the continuation bit. */
function varintsLeft(r: WireReader): number {
  const buf = r.buf;
  let n = 0;
  for (let i = r.pos; i < r.limit; i++) if (buf[i]! < 0x80) n++;
  return n;
}

/** Reads the payload the reader is positioned on (its limit set to the payload's end). */
export function readGroupedResults(r: WireReader): GroupedResultsFields {
  const heads: ResultHeadFields[] = [];
  const ids = new Column(NO_IDS, newIds);
  const indexes = new Column(NO_UINT32S, newUint32s);
  const delays = new Column(NO_UINT32S, newUint32s);
  // Deltas add up across the packed runs a writer may split the field into.
  let prev = 0;
  while (r.pos < r.limit) {
    r.tag();
    switch (r.fieldNo) {
      case 1: {
        r.expect(WIRE_DELIMITED, 'GroupedResults.heads');
        const outer = r.enter(r.length());
        heads.push(readHead(r));
        r.leave(outer);
        break;
      }
      case 2:
        if (r.wireType === WIRE_VARINT) {
          ids.reserve(1);
          prev = addDelta(ids, prev, r.varint());
          break;
        }
        r.expect(WIRE_DELIMITED, 'GroupedResults.source_id_deltas');
        {
          const outer = r.enter(r.length());
          // Every value read ends on a byte counted here, so the run fits in the room reserved.
          ids.reserve(varintsLeft(r));
          while (r.pos < r.limit) prev = addDelta(ids, prev, r.varint());
          r.leave(outer);
        }
        break;
      case 3:
        readUint32s(r, indexes, 'GroupedResults.head_indexes');
        break;
      case 4:
        readUint32s(r, delays, 'GroupedResults.delays');
        break;
      default:
        r.skip();
    }
  }
  const out: GroupedResultsFields = {
    heads,
    sourceIds: ids.done(),
    headIndexes: indexes.done(),
    delays: delays.done(),
  };
  const n = out.sourceIds.length;
  if (out.headIndexes.length !== n || out.delays.length !== n) {
    throw new ProtocolDecodeError(
      `GroupedResults has ${n} source ids, ${out.headIndexes.length} head indexes and ${out.delays.length} delays; they must be as many`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (out.headIndexes[i]! >= heads.length) {
      throw new ProtocolDecodeError(
        `GroupedResults.head_indexes holds ${out.headIndexes[i]}, but there are ${heads.length} heads`,
      );
    }
  }
  return out;
}

/** Appends the id `delta` after `prev`, in room already reserved. */
function addDelta(into: Column<Float64Array>, prev: number, delta: number): number {
  // Ids ascend strictly: a zero delta after the first would answer one record twice.
  if (delta === 0 && into.length > 0) {
    throw new ProtocolDecodeError('GroupedResults.source_id_deltas holds a 0 after the first id');
  }
  const id = prev + delta;
  if (!Number.isSafeInteger(id)) {
    throw new ProtocolDecodeError(
      'GroupedResults.source_id_deltas adds up to an id above 2^53 - 1',
    );
  }
  into.values[into.length++] = id;
  return id;
}

function readHead(r: WireReader): ResultHeadFields {
  const h: ResultHeadFields = { shardId: '', sequenceNumber: '', duration: 0 };
  while (r.pos < r.limit) {
    r.tag();
    if (!readHeadField(r, h, 'ResultHead')) r.skip();
  }
  return h;
}

/** A repeated uint32, packed or not: a parser must take both. */
function readUint32s(r: WireReader, into: Column<Uint32Array>, field: string): void {
  if (r.wireType === WIRE_VARINT) {
    into.reserve(1)[into.length++] = r.uint32();
    return;
  }
  r.expect(WIRE_DELIMITED, field);
  const outer = r.enter(r.length());
  const values = into.reserve(varintsLeft(r));
  while (r.pos < r.limit) values[into.length++] = r.uint32();
  r.leave(outer);
}
