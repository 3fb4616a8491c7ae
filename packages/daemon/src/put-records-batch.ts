// One PutRecords request while the collector fills it.
import { type BatchContainer, earliest } from './batch.js';
import type { KinesisRecord } from './kinesis-record.js';

export class PutRecordsBatch implements BatchContainer<KinesisRecord> {
  deadline = Number.POSITIVE_INFINITY;
  expiration = Number.POSITIVE_INFINITY;
  readonly items: KinesisRecord[] = [];
  private size = 0;

  get count(): number {
    return this.items.length;
  }

  add(kr: KinesisRecord): void {
    this.items.push(kr);
    this.size += entrySize(kr);
    if (kr.deadline < this.deadline) this.deadline = kr.deadline;
    if (kr.expiration < this.expiration) this.expiration = kr.expiration;
  }

  removeLast(): KinesisRecord {
    const kr = this.items.pop()!;
    this.size -= entrySize(kr);
    const e = earliest(this.items);
    this.deadline = e.deadline;
    this.expiration = e.expiration;
    return kr;
  }

  /** What the service counts against the request limit: partition keys plus data. */
  accurateSize(): number {
    return this.size;
  }

  estimatedSize(): number {
    return this.size;
  }
}

export function entrySize(kr: KinesisRecord): number {
  return kr.partitionKeyBytes() + kr.accurateSize();
}
