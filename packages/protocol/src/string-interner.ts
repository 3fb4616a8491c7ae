import type { FastBuffer } from './wire-write.js';

/** One string the interner holds; readers extend it with their own state for the string. */
export interface Interned {
  readonly text: string;
  /** UTF-8 length of the text. */
  readonly byteLength: number;
}

/**
 * Makes the entry for a string seen for the first time. `bytes` from `start` (byteLength of them)
 * are its UTF-8 bytes where they lie in the input, valid only during the call: an entry that
 * needs a digest of them can hash them there instead of encoding the text again.
 */
export type MakeEntry<T extends Interned> = (
  text: string,
  byteLength: number,
  bytes: Uint8Array,
  start: number,
) => T;

const plainEntry = (text: string, byteLength: number): Interned => ({ text, byteLength });

const SLOT = 4; // hash, entry index + 1 (0: empty), arena offset, byte length

/**
 * Strings that recur in the input (partition keys: device ids, user ids) decoded once and handed
 * out again, as the same entry, whenever their bytes come back. A lookup hashes and compares the
 * bytes where they lie, so a repeat allocates nothing, and the entry (made by `make`) carries the
 * reader's state for the string so that no second lookup is needed. Keys are often drawn at
 * random from large sets, so the layout keeps a lookup to few cache lines: one slot holds the
 * hash, the entry and where the bytes are.
 *
 * Bounded: once `capacity` strings are held it forgets them all and starts afresh, so ever-new
 * keys cost a little more than plain decoding and never grow memory.
 */
export class StringInterner<T extends Interned = Interned> {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly entries: T[] = [];
  private arena: Buffer;
  private arenaUsed = 0;

  constructor(
    private readonly make: MakeEntry<T> = plainEntry as unknown as MakeEntry<T>,
    private readonly capacity = 1 << 17,
    /**
     * Longer strings are decoded plainly, without an entry kept. The default holds the longest
     * partition key Kinesis accepts (256 UTF-16 units, at most 3 UTF-8 bytes each).
     */
    private readonly maxBytes = 768,
  ) {
    const slotCount = 2 ** Math.ceil(Math.log2(capacity * 2));
    this.slots = new Int32Array(slotCount * SLOT);
    this.mask = slotCount - 1;
    this.arena = Buffer.allocUnsafe(Math.max(1024, capacity * 8));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The entry whose text is `buf.utf8Slice(start, end)`; the same entry for the same bytes. */
  get(buf: Buffer, start: number, end: number): T {
    const length = end - start;
    if (length > this.maxBytes) {
      return this.make((buf as FastBuffer).utf8Slice(start, end), length, buf, start);
    }
    // FNV-1a over the bytes.
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = s * SLOT;
      const e = slots[at + 1]! - 1;
      if (e < 0) return this.add(at, h, buf, start, end);
      if (slots[at] !== h || slots[at + 3] !== length) continue;
      const arena = this.arena;
      const shift = slots[at + 2]! - start;
      let i = start;
      while (i < end && arena[shift + i] === buf[i]) i++;
      if (i === end) return this.entries[e]!;
    }
  }

  private add(at: number, h: number, buf: Buffer, start: number, end: number): T {
    const length = end - start;
    if (this.entries.length === this.capacity) {
      this.clear();
      return this.get(buf, start, end);
    }
    if (this.arenaUsed + length > this.arena.length) {
      // Long strings filled the arena before the table filled.
      const bigger = Buffer.allocUnsafe(this.arena.length * 2);
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    const entry = this.make((buf as FastBuffer).utf8Slice(start, end), length, buf, start);
    const slots = this.slots;
    slots[at] = h;
    slots[at + 1] = this.entries.push(entry);
    slots[at + 2] = this.arenaUsed;
    slots[at + 3] = length;
    buf.copy(this.arena, this.arenaUsed, start, end);
    this.arenaUsed += length;
    return entry;
  }

  private clear(): void {
    this.slots.fill(0);
    this.entries.length = 0;
    this.arenaUsed = 0;
  }
}
