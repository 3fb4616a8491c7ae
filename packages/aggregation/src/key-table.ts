import { varintLength } from './varint.js';

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

  /** Counts one use of `key` and returns its index. */
  add(key: string): number {
    const found = this.indexOf.get(key);
    if (found !== undefined) {
      this.uses[found]++;
      return found;
    }
    const index = this.keys.length;
    const length = Buffer.byteLength(key, 'utf8');
    this.indexOf.set(key, index);
    this.keys.push(key);
    this.byteLengths.push(length);
    this.uses.push(1);
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
    this.indexOf.delete(key);
    this.encodedSize -= 1 + varintLength(length) + length;
    this.estimatedSize -= length + 3;
  }
}
