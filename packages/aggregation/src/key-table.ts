import { IntList } from './int-list.js';
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
  readonly byteLengths = new IntList();
  /** Bytes the table takes in the protobuf: Σ (tag + varint length + key). */
  encodedSize = 0;
  /** The KPL's estimate for the table: Σ (key length + 3). */
  estimatedSize = 0;
  private readonly uses = new IntList();
  private readonly indexes = new Map<string, number>();
  private readonly id = ++tables;

  /**
   * Counts one use of `key` and returns its index. With a slot (the same object for every use
   * of the key), the slot remembers the index and no lookup is made; a table must be fed either
   * always with slots or never.
   */
  add(key: string, slot?: KeySlot): number {
    if (slot !== undefined) {
      if (slot.table === this.id) {
        this.uses.add(slot.index, 1);
        return slot.index;
      }
      // The same key as the last one added, under another slot: a caller that does not always
      // hand out one slot per key (the daemon's interner stops interning keys that rarely recur)
      // still gets one entry for a run of equal keys, as in an aggregate of one partition key.
      const last = this.keys.length - 1;
      if (last >= 0 && this.keys[last] === key) {
        this.uses.add(last, 1);
        return last;
      }
      const index = this.append(key, slot.byteLength);
      slot.table = this.id;
      slot.index = index;
      return index;
    }
    const found = this.indexes.get(key);
    if (found !== undefined) {
      this.uses.add(found, 1);
      return found;
    }
    const index = this.append(key, undefined);
    this.indexes.set(key, index);
    return index;
  }

  /** Index of a key added without slots. */
  indexOf(key: string): number {
    return this.indexes.get(key)!;
  }

  private append(key: string, byteLength: number | undefined): number {
    const index = this.keys.length;
    const length = byteLength ?? Buffer.byteLength(key, 'utf8');
    this.keys.push(key);
    this.byteLengths.push(length);
    this.uses.push(1);
    this.encodedSize += 1 + varintLength(length) + length;
    this.estimatedSize += length + 3;
    return index;
  }

  /**
   * Undoes one use of the key at `index`, which was added with `slot` (the same as given to
   * add()). Only valid in LIFO order with add(): a key whose count drops to zero was first used
   * by the record being removed, so it is the last table entry, no other record's index moves,
   * and `slot` is the one the table wrote (so the table keeps no slot per key).
   */
  removeUse(index: number, slot?: KeySlot): void {
    if (this.uses.add(index, -1) > 0) return;
    const key = this.keys.pop()!;
    const length = this.byteLengths.pop();
    this.uses.pop();
    if (slot !== undefined) {
      if (slot.table === this.id) slot.table = 0;
    } else {
      this.indexes.delete(key);
    }
    this.encodedSize -= 1 + varintLength(length) + length;
    this.estimatedSize -= length + 3;
  }
}
