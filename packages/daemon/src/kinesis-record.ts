// A Kinesis record (one PutRecords entry): one user record sent as it is, or several packed
// into the KPL aggregated format.
import { AggregatedRecordBuilder } from '@kinesis-producer/aggregation';
import { type BatchContainer, earliest } from './batch.js';
import type { UserRecord } from './user-record.js';

/** The partition key of every aggregated record; routing uses the explicit hash key. */
const AGGREGATED_PARTITION_KEY = 'a';

export class KinesisRecord implements BatchContainer<UserRecord> {
  deadline = Number.POSITIVE_INFINITY;
  expiration = Number.POSITIVE_INFINITY;
  private readonly builder = new AggregatedRecordBuilder<UserRecord>();
  private encoded: Buffer | undefined;

  get count(): number {
    return this.builder.count;
  }

  get items(): readonly UserRecord[] {
    return this.builder.records;
  }

  /** The shard the records were predicted for (all share it), or -1. */
  get predictedShard(): number {
    return this.builder.first?.predictedShard ?? -1;
  }

  add(ur: UserRecord): void {
    this.builder.add(ur);
    this.encoded = undefined;
    if (ur.deadline < this.deadline) this.deadline = ur.deadline;
    if (ur.expiration < this.expiration) this.expiration = ur.expiration;
  }

  removeLast(): UserRecord {
    const ur = this.builder.removeLast();
    this.encoded = undefined;
    const e = earliest(this.builder.records);
    this.deadline = e.deadline;
    this.expiration = e.expiration;
    return ur;
  }

  /** Its records will be held for a while: see UserRecord.detach. */
  detach(): void {
    for (const ur of this.builder.records) if (!ur.finished) ur.detach();
  }

  accurateSize(): number {
    return this.builder.accurateSize();
  }

  estimatedSize(): number {
    return this.builder.estimatedSize();
  }

  /** Bytes of the entry's Data. */
  data(): Buffer {
    if (this.encoded === undefined) this.encoded = this.builder.encode();
    return this.encoded;
  }

  /**
   * The entry's partition key: the record's own when it is alone or when all records share it
   * (partition-key aggregation), else the KPL's placeholder; routing uses the hash key anyway.
   */
  partitionKey(): string {
    return this.ownKey() ? this.builder.first!.partitionKey : AGGREGATED_PARTITION_KEY;
  }

  /** UTF-8 length of the entry's partition key, which the service counts against its limits. */
  partitionKeyBytes(): number {
    return this.ownKey() ? this.builder.first!.partitionKeyBytes : 1;
  }

  private ownKey(): boolean {
    const rs = this.builder.records;
    if (rs.length === 1) return true;
    const k = rs[0]!.partitionKey;
    if (rs[rs.length - 1]!.partitionKey !== k) return false;
    for (const r of rs) if (r.partitionKey !== k) return false;
    return true;
  }

  /** Always sent, so the record lands on the shard that was predicted (or hashed) for it. */
  explicitHashKey(): string {
    return this.builder.first!.hashKeyDecimal;
  }
}
