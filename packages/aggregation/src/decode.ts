// A strict reader for the AggregatedRecord protobuf (proto2 wire format). It throws
// MalformedAggregateError for anything protobuf-java's parseFrom would reject, so that the caller
// can hand the record back unchanged, as the KCL does.

export class MalformedAggregateError extends Error {}

export interface DecodedUserRecord {
  partitionKey: string;
  explicitHashKey: string | undefined;
  dataStart: number;
  dataEnd: number;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const fieldOf = (tag: number): number => Math.floor(tag / 8);
const wireTypeOf = (tag: number): number => tag % 8;

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new MalformedAggregateError('truncated varint');
      const byte = this.buf[this.pos++];
      // Multiplication, not shifts: values past 2^31 must not wrap. Past 2^53 precision goes,
      // but such a value is no valid length or index anyway.
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new MalformedAggregateError('varint longer than 10 bytes');
  }

  /** Reads a length prefix and returns where the delimited bytes end. */
  delimitedEnd(): number {
    const length = this.varint();
    if (length > this.end - this.pos) throw new MalformedAggregateError('length past the end');
    return this.pos + length;
  }

  /** Reads a field key: field number times 8 plus the wire type. */
  tag(): number {
    const tag = this.varint();
    if (tag < 8) throw new MalformedAggregateError('field number 0');
    return tag;
  }

  skip(field: number, wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      case WIRE_START_GROUP:
        for (;;) {
          const inner = this.tag();
          if (wireTypeOf(inner) === WIRE_END_GROUP) {
            if (fieldOf(inner) !== field) throw new MalformedAggregateError('mismatched end group');
            return;
          }
          this.skip(fieldOf(inner), wireTypeOf(inner));
        }
      default:
        throw new MalformedAggregateError(`unexpected wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new MalformedAggregateError('truncated fixed field');
    this.pos += n;
  }
}

interface RawRecord {
  pkIndex: number;
  ehkIndex: number | undefined;
  dataStart: number;
  dataEnd: number;
}

function readRecord(reader: Reader, end: number): RawRecord {
  const outerEnd = reader.end;
  reader.end = end;
  let pkIndex: number | undefined;
  let ehkIndex: number | undefined;
  let dataStart = -1;
  let dataEnd = -1;
  while (reader.pos < end) {
    const tag = reader.tag();
    const field = fieldOf(tag);
    const wireType = wireTypeOf(tag);
    if (field === 1 && wireType === WIRE_VARINT) {
      pkIndex = reader.varint();
    } else if (field === 2 && wireType === WIRE_VARINT) {
      ehkIndex = reader.varint();
    } else if (field === 3 && wireType === WIRE_LENGTH_DELIMITED) {
      dataEnd = reader.delimitedEnd();
      dataStart = reader.pos;
      reader.pos = dataEnd;
    } else {
      // Tags (field 4) and anything a newer producer adds.
      reader.skip(field, wireType);
    }
  }
  reader.end = outerEnd;
  // Both are proto2 `required`: protobuf-java refuses a Record without them.
  if (pkIndex === undefined)
    throw new MalformedAggregateError('record without partition_key_index');
  if (dataStart < 0) throw new MalformedAggregateError('record without data');
  return { pkIndex, ehkIndex, dataStart, dataEnd };
}

/** Decodes the protobuf between `start` and `end` of `buf`; data is returned as offsets. */
export function decodeAggregatedRecord(
  buf: Buffer,
  start: number,
  end: number,
): DecodedUserRecord[] {
  const reader = new Reader(buf, start, end);
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const raw: RawRecord[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    const field = fieldOf(tag);
    const wireType = wireTypeOf(tag);
    if (wireType === WIRE_LENGTH_DELIMITED && field >= 1 && field <= 3) {
      const fieldEnd = reader.delimitedEnd();
      if (field === 3) {
        raw.push(readRecord(reader, fieldEnd));
      } else {
        const text = buf.toString('utf8', reader.pos, fieldEnd);
        (field === 1 ? partitionKeys : explicitHashKeys).push(text);
      }
      reader.pos = fieldEnd;
    } else {
      reader.skip(field, wireType);
    }
  }

  const records: DecodedUserRecord[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    if (r.pkIndex >= partitionKeys.length) {
      throw new MalformedAggregateError(`partition_key_index ${r.pkIndex} out of range`);
    }
    if (r.ehkIndex !== undefined && r.ehkIndex >= explicitHashKeys.length) {
      throw new MalformedAggregateError(`explicit_hash_key_index ${r.ehkIndex} out of range`);
    }
    records[i] = {
      partitionKey: partitionKeys[r.pkIndex],
      explicitHashKey: r.ehkIndex === undefined ? undefined : explicitHashKeys[r.ehkIndex],
      dataStart: r.dataStart,
      dataEnd: r.dataEnd,
    };
  }
  return records;
}
