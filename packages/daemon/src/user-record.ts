// One addUserRecord call as the daemon tracks it, from arrival to its single result.
import { type HashKey, hashKeyHigh, hashKeyToDecimal, type PartitionKeyInfo } from './hash-key.js';

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

const NO_ATTEMPTS: readonly AttemptRecord[] = Object.freeze([]);

export class UserRecord {
  /** Shard the map predicted when the record was last routed; -1 when none. */
  predictedShard = -1;
  /** Every attempt, oldest first. Starts as a shared empty array: most records get exactly one. */
  attempts: readonly AttemptRecord[] = NO_ATTEMPTS;
  finished = false;
  shardId: string | undefined;
  sequenceNumber: string | undefined;
  deadline: number;
  readonly expiration: number;
  /** Decimal of hashKey, made once: PutRecords needs it for every unaggregated send. */
  private hashKeyText: string | undefined;
  /**
   * Set when a request holding this record was refused as a whole for what one entry held: the
   * record then travels alone, so it cannot take other records down with it again.
   */
  isolated = false;
  /** What the daemon knows of the key, shared by every record with it (see PartitionKeyInfo). */
  partitionKeySlot: PartitionKeyInfo | undefined;

  /**
   * The data as where it lies (usually inside the input chunk it arrived in) rather than as a
   * Buffer view: tens of thousands of records are in flight at any time, and one object less for
   * each is that much less for every young-generation GC to copy.
   */
  private readonly dataBytes: ArrayBufferLike;
  private readonly dataOffset: number;
  readonly dataLength: number;

  constructor(
    readonly sourceId: number,
    readonly stream: string,
    readonly partitionKey: string,
    /** Normalized decimal, only when the user gave one (it goes into the aggregation table). */
    readonly explicitHashKey: string | undefined,
    data: Uint8Array,
    readonly hashKey: HashKey,
    readonly arrival: number,
    maxBufferedTime: number,
    ttl: number,
    /** hashKeyHigh(hashKey), when the caller has it at hand. */
    readonly hashHigh: number = hashKeyHigh(hashKey),
  ) {
    this.dataBytes = data.buffer;
    this.dataOffset = data.byteOffset;
    this.dataLength = data.byteLength;
    // The first deadline is deliberately not clamped to the expiration (the KPL's order of
    // operations); every later deadline is.
    this.deadline = arrival + maxBufferedTime;
    this.expiration = arrival + ttl;
  }

  /** A view of the data (made on each call: keep it only as long as needed). */
  get data(): Uint8Array {
    return new Uint8Array(this.dataBytes, this.dataOffset, this.dataLength);
  }

  /** UTF-8 length of the partition key, which the service counts against its limits. */
  get partitionKeyBytes(): number {
    return this.partitionKeySlot?.byteLength ?? Buffer.byteLength(this.partitionKey);
  }

  get hashKeyDecimal(): string {
    if (this.hashKeyText === undefined) {
      this.hashKeyText = this.explicitHashKey ?? hashKeyToDecimal(this.hashKey);
    }
    return this.hashKeyText;
  }

  addAttempt(a: AttemptRecord): void {
    if (this.attempts === NO_ATTEMPTS) this.attempts = [a];
    else (this.attempts as AttemptRecord[]).push(a);
  }

  expired(at: number): boolean {
    return at > this.expiration;
  }
}
