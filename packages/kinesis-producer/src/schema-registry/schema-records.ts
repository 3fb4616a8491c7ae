// Records with a schema: validated at the call, held while their schema version is looked up
// (or their large payload is deflated), then handed to the producer's ordinary add path as GSR
// bytes, so back-pressure, results and errors are those of any record.
//
// Order: records with a schema leave in the order they were added, among themselves; a record
// whose schema is known waits behind earlier ones still held. Records without a schema never
// pass through here, so they can overtake held ones.
import { GSR_HEADER_SIZE } from '@kinesis-producer/aggregation';
import {
  type CheckedRecord,
  checkRecord,
  defaultSchemaRegistrySettings,
  type SchemaRegistrySettings,
  type WrapperSettings,
} from '@kinesis-producer/options';
import { BufferFullError, SchemaRegistryError, ValidationError } from '../errors.js';
import type { UserRecord, UserRecordResult } from '../types.js';
import { checkSchema } from './check-schema.js';
import { encodeRecord } from './encode.js';
import { createGlueClient } from './glue-client.js';
import { SchemaVersions } from './schema-versions.js';

/** The producer as this module uses it: its public API only. */
export interface ProducerSide {
  addUserRecord(record: UserRecord): Promise<UserRecordResult>;
  getOutstandingRecordsCount(): number;
}

interface Held {
  record: UserRecord;
  bytes: number;
  encoded?: Buffer;
  error?: Error;
  resolve(r: Promise<UserRecordResult>): void;
  reject(e: Error): void;
}

export class SchemaRecords {
  private readonly registry: SchemaRegistrySettings;
  private readonly versions: SchemaVersions;
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly producer: ProducerSide,
    private readonly settings: WrapperSettings,
  ) {
    this.registry = settings.schemaRegistry ?? defaultSchemaRegistrySettings();
    this.versions = new SchemaVersions(this.registry, () =>
      createGlueClient(this.registry, settings),
    );
  }

  /** Never throws: every failure is the returned promise's rejection. */
  add(record: UserRecord): Promise<UserRecordResult> {
    try {
      return this.tryAdd(record);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** How many records wait for their schema version or their compression. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once no record is held here (they are then the producer's outstanding records). */
  idle(): Promise<void> {
    if (this.held.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Releases the Glue client's connections. */
  close(): void {
    this.versions.close();
  }

  private tryAdd(record: UserRecord): Promise<UserRecordResult> {
    const max = this.settings.maxUserRecordSize;
    const checked = checkRecord(record, max);
    const schema = checkSchema(record.schema);
    if (this.registry.compression === 'none' && checked.data.byteLength + GSR_HEADER_SIZE > max) {
      throw new ValidationError(
        'data',
        checked.data,
        `at most ${max - GSR_HEADER_SIZE} bytes are allowed with a schema (maxUserRecordSize less the ${GSR_HEADER_SIZE}-byte GSR header)`,
      );
    }
    const id = this.versions.known(schema);
    const encoded =
      id === undefined ? undefined : encodeRecord(id, checked.data, this.registry.compression);
    if (encoded !== undefined && !(encoded instanceof Promise) && this.held.length === 0) {
      return this.send(record, encoded);
    }

    const bytes = checked.data.byteLength + checked.partitionKey.length;
    this.checkRoom(record, bytes);
    let held!: Held;
    const result = new Promise<UserRecordResult>((resolve, reject) => {
      held = { record, bytes, resolve, reject };
    });
    this.held.push(held);
    this.heldBytes += bytes;
    if (encoded !== undefined) {
      this.whenEncoded(held, encoded);
    } else {
      this.versions.lookup(schema).then(
        (versionId) => this.encode(held, checked, versionId),
        (err: SchemaRegistryError) => {
          held.error = new SchemaRegistryError(err.message, err.schemaName, err.registryName, {
            cause: err.cause,
            userRecord: record,
          });
          this.drain();
        },
      );
    }
    return result;
  }

  /** Held records count against the producer's limits, so memory stays bounded during a lookup. */
  private checkRoom(record: UserRecord, bytes: number): void {
    const s = this.settings;
    const records = this.producer.getOutstandingRecordsCount() + this.held.length;
    if (records >= s.maxOutstandingRecords) {
      throw new BufferFullError(records, this.heldBytes, 'maxOutstandingRecords', record);
    }
    if (this.held.length > 0 && this.heldBytes + bytes > s.maxOutstandingBytes) {
      throw new BufferFullError(records, this.heldBytes, 'maxOutstandingBytes', record);
    }
  }

  private encode(held: Held, checked: CheckedRecord, versionId: string): void {
    try {
      this.whenEncoded(held, encodeRecord(versionId, checked.data, this.registry.compression));
    } catch (err) {
      held.error = err as Error;
      this.drain();
    }
  }

  private whenEncoded(held: Held, encoded: Buffer | Promise<Buffer>): void {
    if (!(encoded instanceof Promise)) {
      held.encoded = encoded;
      this.drain();
      return;
    }
    encoded.then(
      (b) => {
        held.encoded = b;
        this.drain();
      },
      (err: Error) => {
        held.error = err;
        this.drain();
      },
    );
  }

  /** Sends, in order, every record at the head of the queue that is ready. */
  private drain(): void {
    while (this.held.length > 0) {
      const head = this.held[0]!;
      if (!head.encoded && !head.error) return;
      this.held.shift();
      this.heldBytes -= head.bytes;
      if (head.error) head.reject(head.error);
      else head.resolve(this.send(head.record, head.encoded!));
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private send(record: UserRecord, encoded: Buffer): Promise<UserRecordResult> {
    return this.producer.addUserRecord({
      streamName: record.streamName,
      partitionKey: record.partitionKey,
      explicitHashKey: record.explicitHashKey,
      data: encoded,
    });
  }
}

const byProducer = new WeakMap<ProducerSide, SchemaRecords>();

/** The producer's schema records, created on its first record with a schema. */
export function schemaRecordsOf(producer: ProducerSide, settings: WrapperSettings): SchemaRecords {
  let s = byProducer.get(producer);
  if (!s) {
    s = new SchemaRecords(producer, settings);
    byProducer.set(producer, s);
  }
  return s;
}

/** The producer's schema records if it ever had one (for close/destroy/flushSync to consult). */
export function existingSchemaRecords(producer: ProducerSide): SchemaRecords | undefined {
  return byProducer.get(producer);
}
