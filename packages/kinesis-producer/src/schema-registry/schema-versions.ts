// Schema version ids by schema, asked of Glue once and cached for the producer's life: the id of
// a (registry, name, format, definition) never changes. Concurrent first uses share one lookup;
// a failed lookup is forgotten, so the next record with that schema asks again.
//
// The lookup is the GSR serde's: GetSchemaByDefinition; when Glue does not know the definition and
// auto-registration is on, RegisterSchemaVersion (the schema exists) or CreateSchema (it does
// not; a racing producer that created it first sends us to RegisterSchemaVersion); a version
// still PENDING its compatibility check is polled with GetSchemaVersion until AVAILABLE.
import type { GlueClient } from '@aws-sdk/client-glue';
import type { SchemaRegistrySettings } from '@kinesis-producer/options';
import { SchemaRegistryError } from '../errors.js';
import type { Schema } from '../types.js';
import { loadGlueSdk } from './glue-sdk.js';

/** Polls of a PENDING version before giving up, and their delays (doubling, capped). */
const POLLS = 10;
const FIRST_POLL_MS = 200;
const MAX_POLL_MS = 3_000;
/** Distinct schemas remembered; past it the oldest resolved ones are forgotten. */
const MAX_CACHED = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Entry {
  name: string;
  definition: string;
  dataFormat: Schema['dataFormat'];
  id?: string;
  lookup?: Promise<string>;
}

export class SchemaVersions {
  /** By the user's Schema object: the cheap path when one object is reused for every record. */
  private readonly byObject = new WeakMap<Schema, Entry>();
  /** By definition, then format and name: a definition string is hashed once by V8 and kept. */
  private readonly byDefinition = new Map<string, Map<string, Entry>>();
  private cached = 0;
  private client: Promise<GlueClient> | undefined;

  constructor(
    private readonly settings: SchemaRegistrySettings,
    private readonly createClient: () => Promise<GlueClient>,
  ) {}

  /** The version id when it is already known; undefined when a lookup is needed. */
  known(schema: Schema): string | undefined {
    return this.entry(schema).id;
  }

  /** The version id, from the cache or from Glue; rejects with a SchemaRegistryError. */
  lookup(schema: Schema): Promise<string> {
    const e = this.entry(schema);
    if (e.id !== undefined) return Promise.resolve(e.id);
    e.lookup ??= this.resolve(e).then(
      (id) => {
        e.id = id;
        e.lookup = undefined;
        return id;
      },
      (err: unknown) => {
        e.lookup = undefined;
        throw this.explain(e, err);
      },
    );
    return e.lookup;
  }

  /** Stops the Glue client's connections; later lookups build a new client. */
  close(): void {
    const client = this.client;
    this.client = undefined;
    client?.then(
      (c) => c.destroy(),
      () => undefined,
    );
  }

  private entry(schema: Schema): Entry {
    const seen = this.byObject.get(schema);
    if (
      seen &&
      seen.name === schema.name &&
      seen.definition === schema.definition &&
      seen.dataFormat === schema.dataFormat
    ) {
      return seen;
    }
    let byKey = this.byDefinition.get(schema.definition);
    if (!byKey) {
      byKey = new Map();
      this.byDefinition.set(schema.definition, byKey);
    }
    const key = `${schema.dataFormat}\0${schema.name}`;
    let e = byKey.get(key);
    if (!e) {
      if (this.cached >= MAX_CACHED) this.forgetOldest();
      e = { name: schema.name, definition: schema.definition, dataFormat: schema.dataFormat };
      byKey.set(key, e);
      this.cached++;
    }
    this.byObject.set(schema, e);
    return e;
  }

  private forgetOldest(): void {
    for (const [definition, byKey] of this.byDefinition) {
      for (const [key, e] of byKey) {
        if (e.lookup) continue;
        byKey.delete(key);
        this.cached--;
        if (byKey.size === 0) this.byDefinition.delete(definition);
        return;
      }
    }
  }

  private glue(): Promise<GlueClient> {
    if (!this.client) {
      const created = this.createClient();
      // A client that could not be built (no region) is built again on the next lookup.
      created.catch(() => {
        if (this.client === created) this.client = undefined;
      });
      this.client = created;
    }
    return this.client;
  }

  private async resolve(e: Entry): Promise<string> {
    const glue = await loadGlueSdk();
    const client = await this.glue();
    const s = this.settings;
    const schemaId = { RegistryName: s.registryName, SchemaName: e.name };
    try {
      const found = await client.send(
        new glue.GetSchemaByDefinitionCommand({
          SchemaId: schemaId,
          SchemaDefinition: e.definition,
        }),
      );
      return await this.available(client, e, found.SchemaVersionId, found.Status);
    } catch (err) {
      if (!(err instanceof glue.EntityNotFoundException)) throw err;
      if (!s.autoRegistration) throw new NotRegistered(err);
      // Glue says which is missing: "Schema version is not found." or "Schema is not found."
      if (!/schema version/i.test(err.message)) {
        try {
          const created = await client.send(
            new glue.CreateSchemaCommand({
              RegistryId: { RegistryName: s.registryName },
              SchemaName: e.name,
              DataFormat: e.dataFormat,
              Compatibility: s.compatibility,
              SchemaDefinition: e.definition,
              Description: 'Created by kinesis-producer (auto-registration)',
            }),
          );
          return await this.available(
            client,
            e,
            created.SchemaVersionId,
            created.SchemaVersionStatus,
          );
        } catch (createErr) {
          if (!(createErr instanceof glue.AlreadyExistsException)) throw createErr;
        }
      }
      const registered = await client.send(
        new glue.RegisterSchemaVersionCommand({
          SchemaId: schemaId,
          SchemaDefinition: e.definition,
        }),
      );
      return await this.available(client, e, registered.SchemaVersionId, registered.Status);
    }
  }

  /** The id once its version is AVAILABLE, polling a PENDING one. */
  private async available(
    client: GlueClient,
    e: Entry,
    id: string | undefined,
    status: string | undefined,
  ): Promise<string> {
    if (!id || !UUID.test(id)) {
      throw new Error(`Glue answered without a valid SchemaVersionId (${JSON.stringify(id)})`);
    }
    const { GetSchemaVersionCommand } = await loadGlueSdk();
    for (let poll = 0; status === 'PENDING' && poll < POLLS; poll++) {
      await new Promise((r) => setTimeout(r, Math.min(FIRST_POLL_MS * 2 ** poll, MAX_POLL_MS)));
      status = (await client.send(new GetSchemaVersionCommand({ SchemaVersionId: id }))).Status;
    }
    if (status === 'AVAILABLE') return id.toLowerCase();
    const why =
      status === 'PENDING'
        ? `still PENDING after ${POLLS} checks`
        : status === 'FAILURE'
          ? `in status FAILURE (likely not ${this.settings.compatibility}-compatible with the schema's earlier versions)`
          : `in status ${status}`;
    throw new Error(`schema version ${id} of schema "${e.name}" is ${why}`);
  }

  private explain(e: Entry, err: unknown): SchemaRegistryError {
    const registry = this.settings.registryName;
    const what = `schema "${e.name}" (${e.dataFormat}) in registry "${registry}"`;
    if (err instanceof NotRegistered) {
      return new SchemaRegistryError(
        `The definition of ${what} is not registered in the Glue Schema Registry, and ` +
          'schemaRegistry.autoRegistration is off: register it in Glue or turn autoRegistration ' +
          `on (Glue said: ${describe(err.glueError)})`,
        e.name,
        registry,
        { cause: err.glueError },
      );
    }
    return new SchemaRegistryError(
      `Could not get the schema version of ${what} from the Glue Schema Registry: ${describe(err)}`,
      e.name,
      registry,
      { cause: err },
    );
  }
}

class NotRegistered extends Error {
  constructor(readonly glueError: Error) {
    super('not registered');
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
}
