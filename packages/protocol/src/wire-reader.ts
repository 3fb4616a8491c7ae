import { ProtocolDecodeError } from './decode-error.js';
import type { Interned, StringInterner } from './string-interner.js';
import type { FastBuffer } from './wire-write.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_DELIMITED = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/** Deepest nesting of unknown groups we skip before calling the input hostile. */
const MAX_GROUP_DEPTH = 64;

/**
 * Cursor over protobuf bytes that never reads past `limit`: entering a nested message narrows the
 * limit, so a field that overruns its enclosing message is caught as truncation, not read from
 * the bytes that follow.
 */
/** The last string read from one field, for repeatedString(). */
export class LastString {
  bytes: Buffer = Buffer.alloc(0);
  text = '';
}

export class WireReader {
  buf: FastBuffer;
  pos = 0;
  limit: number;
  /** Where the message starts in buf: positions in errors count from here. */
  private origin = 0;
  /** Field number and wire type of the last tag read. */
  fieldNo = 0;
  wireType = 0;

  constructor(buf: Buffer) {
    this.buf = buf as FastBuffer;
    this.limit = buf.length;
  }

  /** Points the reader at bytes start to end of buf (a reader can be reused). */
  reset(buf: Buffer, start: number, end: number): void {
    this.buf = buf as FastBuffer;
    this.pos = start;
    this.origin = start;
    this.limit = end;
  }

  /** Narrows the limit to the next `length` bytes; returns the limit to restore afterwards. */
  enter(length: number): number {
    const outer = this.limit;
    this.limit = this.pos + length;
    return outer;
  }

  leave(outer: number): void {
    this.limit = outer;
  }

  tag(): void {
    const start = this.pos;
    const buf = this.buf;
    let tag: number;
    if (start < this.limit && buf[start]! < 0x80) {
      tag = buf[start]!;
      this.pos = start + 1;
    } else {
      tag = this.uint32();
      const read = this.pos - start;
      if (read > 5 || (read === 5 && buf[start + 4]! > 0x0f)) {
        throw new ProtocolDecodeError(
          `illegal tag at byte ${start - this.origin}: more than 32 bits`,
        );
      }
    }
    this.fieldNo = tag >>> 3;
    this.wireType = tag & 7;
    if (this.fieldNo === 0 || this.wireType > WIRE_FIXED32) {
      throw new ProtocolDecodeError(
        `illegal tag at byte ${start - this.origin}: field ${this.fieldNo}, wire type ${this.wireType}`,
      );
    }
  }

  /** Throws unless the last tag has `wireType`; `field` names it for the message. */
  expect(wireType: number, field: string): void {
    if (this.wireType !== wireType) {
      throw new ProtocolDecodeError(
        `${field} has wire type ${WIRE_NAMES[this.wireType]}, expected ${WIRE_NAMES[wireType]}`,
      );
    }
  }

  /**
   * A varint as a number. Exact up to 2^53 - 1; above that the result is at least 2^53, so
   * callers that need exactness detect it with Number.isSafeInteger.
   */
  varint(): number {
    const buf = this.buf;
    const limit = this.limit;
    let pos = this.pos;
    if (pos >= limit) throw this.truncated('varint', pos);
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; i < 10; i++) {
      if (pos >= limit) throw this.truncated('varint', this.pos);
      b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
      scale *= 0x80;
    }
    throw new ProtocolDecodeError(
      `varint at byte ${this.pos - this.origin} is longer than 10 bytes`,
    );
  }

  /** A varint reduced to its low 32 bits, as protobuf does for uint32 fields. */
  uint32(): number {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= limit) throw this.truncated('varint', start);
      const b = buf[pos++]!;
      if (i < 4) value |= (b & 0x7f) << (7 * i);
      else if (i === 4) value |= (b & 0x0f) << 28;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new ProtocolDecodeError(`varint at byte ${start - this.origin} is longer than 10 bytes`);
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** Reads the length of a length-delimited field and checks that its content is all there. */
  length(): number {
    const at = this.pos;
    const length = this.varint();
    if (length > this.limit - this.pos) {
      throw new ProtocolDecodeError(
        `length-delimited field at byte ${at - this.origin} announces ${length} bytes but only ` +
          `${this.limit - this.pos} remain in its message`,
      );
    }
    return length;
  }

  /** Invalid UTF-8 becomes U+FFFD, as protobuf-es's TextDecoder does. */
  string(): string {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return this.buf.utf8Slice(start, start + length);
  }

  /** Like string(), through `table`: bytes seen before give the same entry back. */
  internedString<K extends Interned>(table: StringInterner<K>): K {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return table.get(this.buf, start, start + length);
  }

  /**
   * Like string(), but returns the previous string when the bytes repeat: stream names, and the
   * shard id and sequence number that all records of one aggregate share, would otherwise be
   * decoded (and allocated) once per record.
   */
  repeatedString(last: LastString): string {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    const prev = last.bytes;
    if (prev.length === length) {
      // A loop beats Buffer.compare's native call for names this short.
      const buf = this.buf;
      let i = 0;
      while (i < length && prev[i] === buf[start + i]) i++;
      if (i === length) return last.text;
    }
    last.bytes = Buffer.from(this.buf.subarray(start, start + length));
    last.text = this.buf.utf8Slice(start, start + length);
    return last.text;
  }

  /** Skips the value of the last tag, whatever its wire type. */
  skip(): void {
    this.skipValue(this.wireType, this.fieldNo, 0);
  }

  private skipValue(wireType: number, fieldNo: number, depth: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8, 'fixed64');
        return;
      case WIRE_FIXED32:
        this.advance(4, 'fixed32');
        return;
      case WIRE_DELIMITED: {
        const length = this.length(); // read before pos, which length() moves
        this.pos += length;
        return;
      }
      case WIRE_START_GROUP: {
        if (depth >= MAX_GROUP_DEPTH) {
          throw new ProtocolDecodeError(`groups nested deeper than ${MAX_GROUP_DEPTH} levels`);
        }
        for (;;) {
          if (this.pos >= this.limit) throw this.truncated(`group ${fieldNo}`, this.pos);
          this.tag();
          if (this.wireType === WIRE_END_GROUP) {
            if (this.fieldNo !== fieldNo) {
              throw new ProtocolDecodeError(
                `group ${fieldNo} closed by an end-group tag of field ${this.fieldNo}`,
              );
            }
            return;
          }
          this.skipValue(this.wireType, this.fieldNo, depth + 1);
        }
      }
      default:
        throw new ProtocolDecodeError(`unexpected end-group tag of field ${fieldNo}`);
    }
  }

  private advance(n: number, what: string): void {
    if (this.limit - this.pos < n) throw this.truncated(what, this.pos);
    this.pos += n;
  }

  private truncated(what: string, at: number): ProtocolDecodeError {
    return new ProtocolDecodeError(
      `truncated: ${what} at byte ${at - this.origin} runs past the end of its message (byte ${this.limit - this.origin})`,
    );
  }
}
