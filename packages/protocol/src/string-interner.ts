import type { FastBuffer } from './wire-write.js';

/** One string the interner holds; readers extend it with their own state for the string. */
export interface Interned {
  readonly text: string;
  /** UTF-8 length of the text. */
  readonly byteLength: number;
}

/**
 * Makes the entry for a string seen for the first time. `bytes` from `start` (byteLength of them)
 * are its UTF-8 bytes where they lie in the input: an entry that needs a digest of them can hash
 * them there instead of encoding the text again.
 *
 * `text` is undefined for an entry the interner does not keep (strings that rarely recur, or
 * too long): handed out once, such an entry may decode its text from `bytes` when first asked,
 * and until then keeps them (they stay as they are for as long as the input does). A fresh key
 * per record is the common case, and most such keys are never read as text. A kept entry gets
 * its text: its bytes are only valid during the call.
 */
export type MakeEntry<T extends Interned> = (
  text: string | undefined,
  byteLength: number,
  bytes: Buffer,
  start: number,
) => T;

const plainEntry = (
  text: string | undefined,
  byteLength: number,
  bytes: Buffer,
  start: number,
): Interned => ({
  text: text ?? (bytes as FastBuffer).utf8Slice(start, start + byteLength),
  byteLength,
});

// A slot: hash, entry index + 1 (0: empty), arena offset, byte length, then the string's first
// INLINE bytes (little-endian, zero-padded). A lookup among many keys (a pool of device ids)
// misses the cache on the slot, the arena and the entry: with the first bytes in the slot, a
// string of up to INLINE bytes is compared without the arena's miss.
const SLOT = 8;
const INLINE = 16;

/** Interning pays while at least one lookup in this many hits. */
const RECURRING_SHARE = 4;
/** While not interning, one string in this many (a power of two) still goes through the table. */
const SAMPLE_EVERY = 16;
/** Sampled lookups after which the interner judges whether strings recur again. */
const SAMPLE_WINDOW = 4096;

/**
 * Strings that recur in the input (partition keys: device ids, user ids) decoded once and handed
 * out again, as the same entry, whenever their bytes come back. A lookup hashes and compares the
 * bytes where they lie, so a repeat allocates nothing, and the entry (made by `make`) carries the
 * reader's state for the string so that no second lookup is needed. Keys are often drawn at
 * random from large sets, so the layout keeps a lookup to few cache lines: one slot holds the
 * hash, the entry and where the bytes are.
 *
 * Bounded: once `capacity` strings are held it forgets them all and starts afresh, so ever-new
 * keys never grow memory.
 *
 * Adaptive: when keys do not recur (a fresh random id per record, the most common choice), every
 * lookup misses, and interning only adds a table probe, a copy of the bytes and an entry kept
 * alive (and so copied by the garbage collector) until the table is cleared. So when a table
 * filled up with fewer than one lookup in RECURRING_SHARE hitting, the interner stops keeping
 * strings and hands out a fresh entry per string; it still interns one string in SAMPLE_EVERY,
 * and goes back to interning everything once those samples hit often enough again. While it is
 * not interning, equal strings may get distinct entries, which their readers must tolerate (the
 * same happens to a string seen on both sides of a clear).
 */
export class StringInterner<T extends Interned = Interned> {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly entries: T[] = [];
  private arena: Buffer;
  private arenaUsed = 0;
  /** Not interning (strings rarely recur): only sampled strings go through the table. */
  private sampling = false;
  private skipped = 0;
  private lookups = 0;
  private hits = 0;

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

  /** Whether every string goes through the table (false while strings rarely recur). */
  get interning(): boolean {
    return !this.sampling;
  }

  /**
   * The entry whose text is `buf.utf8Slice(start, end)`; while interning, the same entry for the
   * same bytes.
   */
  get(buf: Buffer, start: number, end: number): T {
    const length = end - start;
    if (length > this.maxBytes || (this.sampling && (++this.skipped & (SAMPLE_EVERY - 1)) !== 0)) {
      return this.make(undefined, length, buf, start);
    }
    if (++this.lookups >= SAMPLE_WINDOW && this.sampling) this.judgeSamples();
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
      if (this.matches(at, buf, start, end)) {
        this.hits++;
        return this.entries[e]!;
      }
    }
  }

  /** Whether the string in the slot at `at` (of the same length) has these bytes. */
  private matches(at: number, buf: Buffer, start: number, end: number): boolean {
    const slots = this.slots;
    const inlineEnd = Math.min(end, start + INLINE);
    for (let i = start, k = 0; i < inlineEnd; i++, k++) {
      if (((slots[at + 4 + (k >> 2)]! >>> ((k & 3) << 3)) & 0xff) !== buf[i]) return false;
    }
    if (inlineEnd === end) return true;
    const arena = this.arena;
    const shift = slots[at + 2]! - start;
    let i = inlineEnd;
    while (i < end && arena[shift + i] === buf[i]) i++;
    return i === end;
  }

  private add(at: number, h: number, buf: Buffer, start: number, end: number): T {
    const length = end - start;
    if (this.entries.length === this.capacity) {
      if (!this.sampling && this.hits * RECURRING_SHARE < this.lookups) this.sampling = true;
      this.lookups = 0;
      this.hits = 0;
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
    slots[at + 4] = 0;
    slots[at + 5] = 0;
    slots[at + 6] = 0;
    slots[at + 7] = 0;
    for (let i = start, k = 0; i < end && k < INLINE; i++, k++) {
      slots[at + 4 + (k >> 2)]! |= buf[i]! << ((k & 3) << 3);
    }
    // A byte loop: keys are short, and Buffer.copy's argument checks cost more than the copy.
    const arena = this.arena;
    for (let i = start, to = this.arenaUsed; i < end; i++, to++) arena[to] = buf[i]!;
    this.arenaUsed += length;
    return entry;
  }

  /** Strings recur often enough again: back to interning every one. */
  private judgeSamples(): void {
    if (this.hits * RECURRING_SHARE >= this.lookups) this.sampling = false;
    this.lookups = 0;
    this.hits = 0;
  }

  private clear(): void {
    this.slots.fill(0);
    this.entries.length = 0;
    this.arenaUsed = 0;
  }
}
