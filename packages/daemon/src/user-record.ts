// One addUserRecord call as the daemon tracks it, from arrival to its single result.
import {
  type HashKey,
  type HashKeyed,
  hashKeyHigh,
  hashKeyToDecimal,
  type PartitionKeyInfo,
} from './hex-hash-key.js';

export interface AttemptRecord {
  start: number;
  end: number;
  success: boolean;
  errorCode?: string;
  errorMessage?: string;
  /** On a success: where the Kinesis record landed, shared by all of its user records. */
  shardId?: string;
  sequenceNumber?: string;
  /** The encoded end of their results, made once for all of them. */
  tail?: Buffer;
}

/** Where a record's data lies: `dataLength` bytes of `dataBytes` from `dataStart`. */
export interface DataAt {
  readonly dataBytes: Uint8Array;
  readonly dataStart: number;
  readonly dataLength: number;
  /** Where the partition key's UTF-8 bytes start in dataBytes, when they lie there too. */
  readonly partitionKeyStart?: number;
}

const NO_ATTEMPTS: readonly AttemptRecord[] = Object.freeze([]);

/** Longer keys are copied by Buffer.copy rather than byte by byte. */
const SHORT_KEY = 64;

/**
 * A Buffer over the whole of the input the last key was copied from: consecutive records mostly
 * come from one input chunk, so writePartitionKey makes one object per chunk, not one per key.
 */
let lastSource: ArrayBufferLike | undefined;
let lastSourceView: Buffer = Buffer.alloc(0);

/** A record keeps its first and its latest attempts; those between are counted, not kept. */
export const KEEP_FIRST_ATTEMPTS = 3;
export const KEEP_LAST_ATTEMPTS = 3;

/** What is known of the attempts a record no longer keeps (made only once some are dropped). */
export interface OmittedAttempts {
  count: number;
  /** Start of the first one dropped, end of the last one dropped. */
  start: number;
  end: number;
  /** Over every attempt, kept or not. */
  failed: number;
  trailingFailures: number;
}

/**
 * What few records ever need, kept out of UserRecord so that the many in flight stay small (every
 * field is copied by each young-generation GC they survive): made the first time one is set.
 */
interface RareState {
  /** Set once attempts have been dropped, so a record retried for hours stays small. */
  omitted: OmittedAttempts | undefined;
  /**
   * Set when a request holding this record was refused as a whole for what one entry held: the
   * record then travels alone, so it cannot take other records down with it again.
   */
  isolated: boolean;
  /** Normalized decimal, only when the user gave one. */
  explicitHashKey: string | undefined;
  /**
   * The hash key, when the key's entry does not give it: an explicit hash key, or a record made
   * with its key as text (not decoded from the input).
   */
  hashKey: HashKey | undefined;
}

export class UserRecord {
  /** Shard the map predicted when the record was last routed; -1 when none. */
  predictedShard = -1;
  /**
   * The first KEEP_FIRST_ATTEMPTS and the last KEEP_LAST_ATTEMPTS attempts, oldest first; those
   * between are counted in the rare state. Starts as a shared empty array: most records get
   * exactly one.
   */
  attempts: readonly AttemptRecord[] = NO_ATTEMPTS;
  finished = false;
  deadline: number;
  readonly expiration: number;
  /**
   * What the daemon knows of the key (see PartitionKeyInfo), shared by every record with it, or
   * the key's text when there is no entry. One field for what were three (the text, the entry,
   * the hash key's source): the entry gives all of them, and every field is copied by each
   * young-generation GC a record survives.
   */
  protected keyEntry: PartitionKeyInfo | string;
  protected rare: RareState | undefined;

  /**
   * The data as where it lies (usually inside the input chunk it arrived in) rather than as a
   * Buffer view: tens of thousands of records are in flight at any time, and one object less for
   * each is that much less for every young-generation GC to copy.
   */
  protected dataBytes: ArrayBufferLike;
  private dataOffset: number;
  readonly dataLength: number;
  /**
   * Where the partition key's bytes lie in dataBytes, or -1 (a record not decoded from the input,
   * or detached). The aggregate's key table is written from them while they are in the cache;
   * the key's string, one cache miss away among many keys, is then never read on the way.
   */
  protected keyOffset: number;

  constructor(
    readonly sourceId: number,
    /** The key's entry (a decoded record), or its text. */
    partitionKey: PartitionKeyInfo | string,
    /** Normalized decimal, only when the user gave one (it goes into the aggregation table). */
    explicitHashKey: string | undefined,
    /** The data, or where it lies in the input (a decoded record: no view made for it). */
    data: Uint8Array | DataAt,
    /**
     * The hash key, or the key's entry that makes it when first asked (see PartitionKeyInfo):
     * most records are routed on hashHigh alone and never need the text.
     */
    hashKey: HashKey | HashKeyed,
    readonly arrival: number,
    maxBufferedTime: number,
    ttl: number,
  ) {
    this.keyEntry = partitionKey;
    if (hashKey !== partitionKey) {
      // An explicit hash key, or a key without an entry: rare, so kept out of the record.
      this.rareState().hashKey = typeof hashKey === 'string' ? hashKey : hashKey.hashKey;
    }
    if (explicitHashKey !== undefined) this.rareState().explicitHashKey = explicitHashKey;
    if (data instanceof Uint8Array) {
      this.dataBytes = data.buffer;
      this.dataOffset = data.byteOffset;
      this.dataLength = data.byteLength;
      this.keyOffset = -1;
    } else {
      const input = data.dataBytes;
      this.dataBytes = input.buffer;
      this.dataOffset = input.byteOffset + data.dataStart;
      this.dataLength = data.dataLength;
      const keyStart = data.partitionKeyStart;
      this.keyOffset = keyStart === undefined ? -1 : input.byteOffset + keyStart;
    }
    // The first deadline is deliberately not clamped to the expiration (the KPL's order of
    // operations); every later deadline is.
    this.deadline = arrival + maxBufferedTime;
    this.expiration = arrival + ttl;
  }

  /** A view of the data (made on each call: keep it only as long as needed). */
  get data(): Uint8Array {
    return new Uint8Array(this.dataBytes, this.dataOffset, this.dataLength);
  }

  /**
   * Writes the partition key's UTF-8 bytes (`length` of them) into `target` at `at` from where
   * they lie in the input; false when they are no longer there (the caller writes the string).
   */
  writePartitionKey(target: Buffer, at: number, length: number): boolean {
    const from = this.keyOffset;
    if (from < 0) return false;
    if (this.dataBytes !== lastSource) {
      lastSource = this.dataBytes;
      lastSourceView = Buffer.from(this.dataBytes);
    }
    const source = lastSourceView;
    if (length <= SHORT_KEY) {
      // Partition keys are short: a loop beats Buffer.copy's argument checks and view.
      for (let j = 0; j < length; j++) target[at + j] = source[from + j]!;
    } else {
      source.copy(target, at, from, from + length);
    }
    return true;
  }

  get partitionKey(): string {
    const k = this.keyEntry;
    return typeof k === 'string' ? k : k.text;
  }

  /** The key's entry, when the record has one: its slot in the aggregate's key table. */
  get partitionKeySlot(): PartitionKeyInfo | undefined {
    const k = this.keyEntry;
    return typeof k === 'string' ? undefined : k;
  }

  /** Gives a record made with its key as text the key's entry (which must have that text). */
  set partitionKeySlot(entry: PartitionKeyInfo | undefined) {
    this.keyEntry = entry ?? this.partitionKey;
  }

  /** UTF-8 length of the partition key, which the service counts against its limits. */
  get partitionKeyBytes(): number {
    const k = this.keyEntry;
    return typeof k === 'string' ? Buffer.byteLength(k) : k.byteLength;
  }

  /**
   * hashKeyHigh(hashKey), what the shard lookup mostly decides on. Read from the key's entry, not
   * kept: the aggregate touches the entry anyway, and every field of a record is copied by each
   * young-generation GC it survives.
   */
  get hashHigh(): number {
    const h = this.rare?.hashKey;
    return h === undefined ? (this.keyEntry as PartitionKeyInfo).hashHigh : hashKeyHigh(h);
  }

  /** 32 hex digits: see hex-hash-key.ts. */
  get hashKey(): HashKey {
    return this.rare?.hashKey ?? (this.keyEntry as PartitionKeyInfo).hashKey;
  }

  /**
   * Made on each call, not kept: it is asked for once per send of a Kinesis record (of its first
   * user record), and keeping it would cost every record a field.
   */
  get hashKeyDecimal(): string {
    return this.explicitHashKey ?? hashKeyToDecimal(this.hashKey);
  }

  get explicitHashKey(): string | undefined {
    return this.rare?.explicitHashKey;
  }

  get omitted(): OmittedAttempts | undefined {
    return this.rare?.omitted;
  }

  get isolated(): boolean {
    return this.rare?.isolated === true;
  }

  set isolated(value: boolean) {
    this.rareState().isolated = value;
  }

  /**
   * Where the record landed, once it succeeded: read from its successful attempt (which every
   * record of that Kinesis record shares) instead of kept twice.
   */
  get shardId(): string | undefined {
    return this.success?.shardId;
  }

  get sequenceNumber(): string | undefined {
    return this.success?.sequenceNumber;
  }

  private get success(): AttemptRecord | undefined {
    const list = this.attempts;
    const last = list[list.length - 1];
    return last?.success ? last : undefined;
  }

  protected rareState(): RareState {
    this.rare ??= {
      omitted: undefined,
      isolated: false,
      explicitHashKey: undefined,
      hashKey: undefined,
    };
    return this.rare;
  }

  /**
   * The record will be held beyond its first send (a retry, a rate-limit wait): its bytes are
   * copied out of the input chunk, which would otherwise stay alive, all 64 KiB of it, for as
   * long as this record waits. The first send never copies.
   */
  detach(): void {
    // A record that is its key's entry still reads the key from the input (fresh-key-record.ts).
    const k = this.keyEntry;
    if (typeof k !== 'string') k.ownText();
    this.keyOffset = -1;
    if (this.dataOffset === 0 && this.dataBytes.byteLength === this.dataLength) return;
    const own = new Uint8Array(this.dataLength);
    own.set(this.data);
    this.dataBytes = own.buffer;
    this.dataOffset = 0;
  }

  /** The data's bytes are its own rather than part of a larger input chunk. */
  get detached(): boolean {
    return this.dataOffset === 0 && this.dataBytes.byteLength === this.dataLength;
  }

  /**
   * `alone`, when given, is a frozen list holding only `a`, which the records of one Kinesis record
   * share as their list when `a` is their first attempt (the common case: one list per entry
   * instead of one per record). A shared list is copied before it is changed.
   */
  addAttempt(a: AttemptRecord, alone?: readonly AttemptRecord[]): void {
    if (this.attempts === NO_ATTEMPTS) {
      this.attempts = alone ?? [a];
      return;
    }
    let list = this.attempts as AttemptRecord[];
    if (Object.isFrozen(list)) list = this.attempts = [...list];
    let o = this.omitted;
    if (o === undefined && list.length < KEEP_FIRST_ATTEMPTS + KEEP_LAST_ATTEMPTS) {
      list.push(a);
      return;
    }
    if (o === undefined) {
      o = this.rareState().omitted = {
        count: 0,
        start: 0,
        end: 0,
        failed: countFailed(list),
        trailingFailures: countTrailingFailures(list),
      };
    }
    const dropped = list.splice(KEEP_FIRST_ATTEMPTS, 1)[0]!;
    if (o.count === 0) o.start = dropped.start;
    o.end = dropped.end;
    o.count++;
    list.push(a);
    if (a.success) o.trailingFailures = 0;
    else {
      o.failed++;
      o.trailingFailures++;
    }
  }

  /** Every attempt made, kept or not. */
  get attemptCount(): number {
    return this.attempts.length + (this.omitted?.count ?? 0);
  }

  get failedAttempts(): number {
    return this.omitted ? this.omitted.failed : countFailed(this.attempts);
  }

  /** Failures since the last success (or since arrival). */
  get trailingFailures(): number {
    return this.omitted ? this.omitted.trailingFailures : countTrailingFailures(this.attempts);
  }

  expired(at: number): boolean {
    return at > this.expiration;
  }
}

function countFailed(attempts: readonly AttemptRecord[]): number {
  let n = 0;
  for (const a of attempts) if (!a.success) n++;
  return n;
}

function countTrailingFailures(attempts: readonly AttemptRecord[]): number {
  let n = 0;
  for (let i = attempts.length - 1; i >= 0 && !attempts[i]!.success; i--) n++;
  return n;
}
