// A Glue Schema Registry endpoint on 127.0.0.1 for the four calls the producer makes, spoken as
// @aws-sdk/client-glue 3.x really sends them: POST / with awsJson1_1 (content-type
// application/x-amz-json-1.1, x-amz-target AWSGlue.<Operation>), SigV4 for the service "glue".
// It keeps registries, schemas and versions as Glue does, answers Glue's errors with Glue's
// messages, counts every call, and can fail, hold or slow down what tests ask for.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocally, onBody, stopServer } from './http-server.js';
import { checkSigV4 } from './sigv4-check.js';

const JSON_TYPE = 'application/x-amz-json-1.1';
export const GLUE_OPERATIONS = [
  'GetSchemaByDefinition',
  'GetSchemaVersion',
  'RegisterSchemaVersion',
  'CreateSchema',
] as const;
export type GlueOperation = (typeof GLUE_OPERATIONS)[number];

export interface FakeGlueOptions {
  region?: string;
  /** Only these keys sign acceptably. */
  credentials: { accessKeyId: string; secretAccessKey: string }[];
  /** Registries that exist; default ['default-registry']. */
  registries?: string[];
}

export interface StoredVersion {
  id: string;
  number: number;
  definition: string;
  status: 'AVAILABLE' | 'PENDING' | 'FAILURE';
  /** GetSchemaVersion calls still answered PENDING before the version settles. */
  pendingChecks: number;
  settlesAs: 'AVAILABLE' | 'FAILURE';
}

interface StoredSchema {
  registry: string;
  name: string;
  dataFormat: string;
  compatibility: string;
  versions: StoredVersion[];
}

export interface GlueCall {
  operation: string;
  accessKeyId: string;
  input: Record<string, unknown>;
}

class GlueError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class FakeGlue {
  readonly endpoint: string;
  /** Signed, well-formed calls in arrival order (failed ones included). */
  readonly calls: GlueCall[] = [];
  /** Requests refused before reaching an operation (bad signature, unknown target). */
  readonly refused: { type: string; message: string }[] = [];
  /** New versions start PENDING for this many GetSchemaVersion polls, then settle as below. */
  newVersionPendingChecks = 0;
  newVersionSettlesAs: 'AVAILABLE' | 'FAILURE' = 'AVAILABLE';
  private readonly registries: Set<string>;
  private readonly schemas = new Map<string, StoredSchema>();
  private readonly failing = new Map<string, { type: string; status: number }>();
  private readonly holding = new Map<string, { operation?: string; waiting: (() => void)[] }>();
  private readonly secrets: Map<string, string>;

  private constructor(
    private readonly server: Server,
    private readonly region: string,
    opts: FakeGlueOptions,
  ) {
    const address = server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${address.port}`;
    this.secrets = new Map(opts.credentials.map((k) => [k.accessKeyId, k.secretAccessKey]));
    this.registries = new Set(opts.registries ?? ['default-registry']);
  }

  static async start(opts: FakeGlueOptions): Promise<FakeGlue> {
    let fake: FakeGlue | undefined;
    const server = createServer((req, res) => fake?.receive(req, res));
    await listenLocally(server);
    fake = new FakeGlue(server, opts.region ?? 'us-east-1', opts);
    return fake;
  }

  /** Registers a schema version as if done in the console (with a chosen id); returns its id. */
  register(
    registry: string,
    name: string,
    dataFormat: string,
    definition: string,
    id?: string,
  ): string {
    this.registries.add(registry);
    const key = `${registry}/${name}`;
    let schema = this.schemas.get(key);
    if (!schema) {
      schema = { registry, name, dataFormat, compatibility: 'BACKWARD', versions: [] };
      this.schemas.set(key, schema);
    }
    const v = this.addVersion(schema, definition, 0, 'AVAILABLE');
    if (id) v.id = id;
    return v.id;
  }

  /** The versions of a schema, oldest first. */
  versions(registry: string, name: string): StoredVersion[] {
    return this.schemas.get(`${registry}/${name}`)?.versions ?? [];
  }

  /** Calls made, of one operation and optionally about one schema name. */
  count(operation: GlueOperation, schemaName?: string): number {
    return this.calls.filter(
      (c) =>
        c.operation === operation &&
        (schemaName === undefined || schemaNameOf(c.input) === schemaName),
    ).length;
  }

  /** Every call about this schema name fails with the given Glue error until cleared. */
  failSchema(name: string, type = 'AccessDeniedException', status = 400): void {
    this.failing.set(name, { type, status });
  }

  clearFailures(): void {
    this.failing.clear();
  }

  /**
   * Calls about this schema name (of one operation, or all) wait, unanswered, until the returned
   * function is called; they are then answered from the state of that moment.
   */
  hold(name: string, operation?: GlueOperation): () => void {
    const waiting: (() => void)[] = [];
    this.holding.set(name, { operation, waiting });
    return () => {
      this.holding.delete(name);
      for (const go of waiting) go();
    };
  }

  /** How many calls about this schema name are being held right now. */
  heldCalls(name: string): number {
    return this.holding.get(name)?.waiting.length ?? 0;
  }

  async stop(): Promise<void> {
    for (const h of [...this.holding.values()]) for (const go of h.waiting) go();
    await stopServer(this.server);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    onBody(req, (body) => {
      try {
        this.handle(req, res, body);
      } catch (err) {
        this.reply(res, 500, { __type: 'InternalServiceException', Message: String(err) });
      }
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSGlue.') ? target.slice('AWSGlue.'.length) : '';
    if (
      req.method !== 'POST' ||
      req.url !== '/' ||
      req.headers['content-type'] !== JSON_TYPE ||
      !(GLUE_OPERATIONS as readonly string[]).includes(operation)
    ) {
      const what = `${req.method} ${req.url} ${target} ${req.headers['content-type']}`;
      this.refuse(res, 400, 'UnknownOperationException', `Not a supported Glue call: ${what}`);
      return;
    }
    const rejected = checkSigV4(req, body, this.secrets, this.region, 'glue');
    if (rejected) {
      const status = rejected.type === 'UnrecognizedClientException' ? 403 : 400;
      this.refuse(res, status, rejected.type, rejected.message);
      return;
    }
    const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    const accessKeyId = String(req.headers.authorization).split('Credential=')[1]!.split('/')[0]!;
    this.calls.push({ operation, accessKeyId, input });
    const answer = () => {
      try {
        const failure = this.failing.get(schemaNameOf(input) ?? '');
        if (failure) {
          throw new GlueError(failure.type, `Injected ${failure.type}`, failure.status);
        }
        this.reply(res, 200, this.operate(operation as GlueOperation, input));
      } catch (err) {
        if (!(err instanceof GlueError)) throw err;
        this.reply(res, err.status, { __type: err.type, Message: err.message });
      }
    };
    const held = this.holding.get(schemaNameOf(input) ?? '');
    if (held && (held.operation === undefined || held.operation === operation)) {
      held.waiting.push(answer);
    } else {
      answer();
    }
  }

  private operate(operation: GlueOperation, input: Record<string, unknown>): object {
    switch (operation) {
      case 'GetSchemaByDefinition': {
        const schema = this.schemaFor(input.SchemaId);
        const definition = requireString(input, 'SchemaDefinition');
        const v = schema.versions.find((x) => x.definition === definition);
        if (!v) throw new GlueError('EntityNotFoundException', 'Schema version is not found.');
        return {
          SchemaVersionId: v.id,
          SchemaArn: arn(schema),
          DataFormat: schema.dataFormat,
          Status: v.status,
          CreatedTime: new Date().toISOString(),
        };
      }
      case 'CreateSchema': {
        const registry = (input.RegistryId as { RegistryName?: string } | undefined)?.RegistryName;
        const name = requireString(input, 'SchemaName');
        const dataFormat = requireString(input, 'DataFormat');
        if (!registry || !this.registries.has(registry)) {
          throw new GlueError('EntityNotFoundException', 'Registry is not found.');
        }
        if (this.schemas.has(`${registry}/${name}`)) {
          throw new GlueError('AlreadyExistsException', 'Schema already exists.');
        }
        const schema: StoredSchema = {
          registry,
          name,
          dataFormat,
          compatibility: String(input.Compatibility ?? 'BACKWARD'),
          versions: [],
        };
        this.schemas.set(`${registry}/${name}`, schema);
        // The first version has nothing to be compatible with, so it is AVAILABLE at once.
        const v = this.addVersion(schema, requireString(input, 'SchemaDefinition'), 0, 'AVAILABLE');
        return {
          RegistryName: registry,
          SchemaName: name,
          SchemaArn: arn(schema),
          DataFormat: dataFormat,
          Compatibility: schema.compatibility,
          SchemaCheckpoint: 1,
          LatestSchemaVersion: 1,
          NextSchemaVersion: 2,
          SchemaStatus: 'AVAILABLE',
          SchemaVersionId: v.id,
          SchemaVersionStatus: v.status,
        };
      }
      case 'RegisterSchemaVersion': {
        const schema = this.schemaFor(input.SchemaId);
        const definition = requireString(input, 'SchemaDefinition');
        const v =
          schema.versions.find((x) => x.definition === definition) ??
          this.addVersion(
            schema,
            definition,
            this.newVersionPendingChecks,
            this.newVersionSettlesAs,
          );
        return { SchemaVersionId: v.id, VersionNumber: v.number, Status: v.status };
      }
      case 'GetSchemaVersion': {
        const id = requireString(input, 'SchemaVersionId');
        for (const schema of this.schemas.values()) {
          const v = schema.versions.find((x) => x.id === id);
          if (!v) continue;
          if (v.status === 'PENDING' && --v.pendingChecks <= 0) v.status = v.settlesAs;
          return {
            SchemaVersionId: v.id,
            SchemaDefinition: v.definition,
            DataFormat: schema.dataFormat,
            SchemaArn: arn(schema),
            VersionNumber: v.number,
            Status: v.status,
            CreatedTime: new Date().toISOString(),
          };
        }
        throw new GlueError('EntityNotFoundException', 'Schema version is not found.');
      }
    }
  }

  private schemaFor(schemaId: unknown): StoredSchema {
    const id = (schemaId ?? {}) as { RegistryName?: string; SchemaName?: string };
    if (!id.SchemaName || !id.RegistryName) {
      throw new GlueError('InvalidInputException', 'SchemaId needs SchemaName and RegistryName.');
    }
    if (!this.registries.has(id.RegistryName)) {
      throw new GlueError('EntityNotFoundException', 'Registry is not found.');
    }
    const schema = this.schemas.get(`${id.RegistryName}/${id.SchemaName}`);
    if (!schema) throw new GlueError('EntityNotFoundException', 'Schema is not found.');
    return schema;
  }

  private addVersion(
    schema: StoredSchema,
    definition: string,
    pendingChecks: number,
    settlesAs: 'AVAILABLE' | 'FAILURE',
  ): StoredVersion {
    const v: StoredVersion = {
      id: randomUUID(),
      number: schema.versions.length + 1,
      definition,
      status: pendingChecks > 0 ? 'PENDING' : settlesAs,
      pendingChecks,
      settlesAs,
    };
    schema.versions.push(v);
    return v;
  }

  private refuse(res: ServerResponse, status: number, type: string, message: string): void {
    this.refused.push({ type, message });
    this.reply(res, status, { __type: type, Message: message });
  }

  private reply(res: ServerResponse, status: number, body: object): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }
}

function schemaNameOf(input: Record<string, unknown>): string | undefined {
  const id = input.SchemaId as { SchemaName?: string } | undefined;
  return id?.SchemaName ?? (input.SchemaName as string | undefined);
}

function requireString(input: Record<string, unknown>, field: string): string {
  const v = input[field];
  if (typeof v !== 'string' || v === '') {
    throw new GlueError('InvalidInputException', `${field} is required.`);
  }
  return v;
}

function arn(s: StoredSchema): string {
  return `arn:aws:glue:us-east-1:123456789012:schema/${s.registry}/${s.name}`;
}
