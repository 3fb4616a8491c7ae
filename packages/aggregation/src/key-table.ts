import { varintLength } from './varint.js';

/**
 * A caller's memo of where one key sits in a table: shared by every record with that key, it
 * lets add() skip the table's own lookup. The table writes it; callers only keep it.
 */
export interface KeySlot {
  table: number;
  index: number;
  /** The key's UTF-8 length, when the caller knows it already. */
  readonly byteLength?: number;
}

let tables = 0;

/**
 * One of the aggregated record's string tables (partition keys or explicit hash keys): each key
 * once, in order of first use, with a use count so that undoing the last add can drop a key.
 */
export class KeyTable {
  readonly keys: string[] = [];
  /** UTF-8 byte length of each key, measured once when the key first appears. */
  readonly byteLengths: number[] = [];
  /** Bytes the table takes in the protobuf: Σ (tag + varint length + key). */
  encodedSize = 0;
  /** The KPL's estimate for the table: Σ (key length + 3). */
  estimatedSize = 0;
  private readonly uses: number[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly slots: (KeySlot | undefined)[] = [];
  private readonly id = ++tables;

  /**
   * Counts one use of `key` and returns its index. With a slot (the same object for every use
   * of the key), the slot remembers the index and no lookup is made; a table must be fed either
   * always with slots or never.
   */
  add(key: string, slot?: KeySlot): number {
    if (slot !== undefined) {
      if (slot.table === this.id) {
        this.uses[slot.index]++;
        return slot.index;
      }
      // The same key as the last one added, under another slot: a caller that does not always
      // hand out one slot per key (the daemon's interner stops interning keys that rarely recur)
      // still gets one entry for a run of equal keys, as in an aggregate of one partition key.
      const last = this.keys.length - 1;
      if (last >= 0 && this.keys[last] === key) {
        this.uses[last]++;
        return last;
      }
      const index = this.append(key, slot, slot.byteLength);
      slot.table = this.id;
      slot.index = index;
      return index;
    }
    const found = this.indexOf.get(key);
    if (found !== undefined) {
      this.uses[found]++;
      return found;
    }
    const index = this.append(key, undefined, undefined);
    this.indexOf.set(key, index);
    return index;
  }

  private append(key: string, slot: KeySlot | undefined, byteLength: number | undefined): number {
    const index = this.keys.length;
    const length = byteLength ?? Buffer.byteLength(key, 'utf8');
    this.keys.push(key);
    this.byteLengths.push(length);
    this.uses.push(1);
    this.slots.push(slot);
    this.encodedSize += 1 + varintLength(length) + length;
    this.estimatedSize += length + 3;
    return index;
  }

  /**
   * Undoes one use of the key at `index`. Only valid in LIFO order with add(): a key whose count
   * drops to zero was first used by the record being removed, so it is the last table entry and
   * no other record's index moves.
   */
  removeUse(index: number): void {
    if (--this.uses[index] > 0) return;
    const key = this.keys.pop()!;
    const length = this.byteLengths.pop()!;
    this.uses.pop();
    const slot = this.slots.pop();
    if (slot !== undefined) {
      if (slot.table === this.id) slot.table = 0;
    } else {
      this.indexOf.delete(key);
    }
    this.encodedSize -= 1 + varintLength(length) + length;
    this.estimatedSize -= length + 3;
  }
}
