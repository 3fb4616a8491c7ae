// A Kinesis endpoint that answers ListShards and PutRecords at once, spending as little CPU as it
// can, so a benchmark measures the client and not the server. It never parses a PutRecords body
// as JSON: it counts the entries and reads their explicit hash keys with byte searches, which is
// enough to name the shard that holds each record (the producer re-sends an aggregated record
// answered with the wrong shard, so the shard must be right).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface InstantKinesisStats {
  putRecordsCalls: number;
  entries: number;
  bodyBytes: number;
  /** Wall-clock times (epoch ms, sub-ms precision) of the first request of each operation. */
  first: Record<string, number>;
}

export interface InstantKinesis {
  readonly port: number;
  readonly endpoint: string;
  readonly stats: InstantKinesisStats;
  close(): Promise<void>;
}

const MAX_HASH_KEY = (1n << 128n) - 1n;
const PARTITION_KEY = Buffer.from('"PartitionKey"');
const EXPLICIT_HASH_KEY = Buffer.from('"ExplicitHashKey":"');
const QUOTE = 0x22;
const STREAM_NAME = Buffer.from('"StreamName":');
// Real sequence numbers have 56 digits; the producer carries them back to the user, so their
// length is part of the cost being measured.
const SEQUENCE = '49'.padEnd(56, '0');

function shardId(i: number): string {
  return `shardId-${String(i).padStart(12, '0')}`;
}

/** Decimal strings without leading zeros compare by length, then character by character. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

class ShardLayout {
  /** Starting hash keys of shards 1..n-1, as decimals. */
  private readonly starts: string[] = [];
  readonly listShardsBody: Buffer;
  /** `{"SequenceNumber":…,"ShardId":…}` for each shard, with and without a leading comma. */
  readonly entries: Buffer[] = [];
  readonly entriesAfterComma: Buffer[] = [];

  constructor(readonly count: number) {
    const step = (MAX_HASH_KEY + 1n) / BigInt(count);
    const shards = [];
    for (let i = 0; i < count; i++) {
      const start = BigInt(i) * step;
      const end = i === count - 1 ? MAX_HASH_KEY : BigInt(i + 1) * step - 1n;
      if (i > 0) this.starts.push(start.toString());
      shards.push({
        ShardId: shardId(i),
        HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
        SequenceNumberRange: { StartingSequenceNumber: SEQUENCE },
      });
      const entry = `{"SequenceNumber":"${SEQUENCE}","ShardId":"${shardId(i)}"}`;
      this.entries.push(Buffer.from(entry));
      this.entriesAfterComma.push(Buffer.from(`,${entry}`));
    }
    this.listShardsBody = Buffer.from(JSON.stringify({ Shards: shards }));
  }

  shardOf(hashKey: string): number {
    let i = 0;
    while (i < this.starts.length && compareDecimal(hashKey, this.starts[i]!) >= 0) i++;
    return i;
  }
}

const HEAD = Buffer.from('{"FailedRecordCount":0,"Records":[');
const TAIL = Buffer.from(']}');

/** The PutRecords answer: one successful entry per record, on the shard of its hash key. */
function putRecordsAnswer(body: Buffer, layout: ShardLayout, stats: InstantKinesisStats): Buffer {
  let n = 0;
  for (
    let at = body.indexOf(PARTITION_KEY);
    at >= 0;
    at = body.indexOf(PARTITION_KEY, at + PARTITION_KEY.length)
  ) {
    n++;
  }
  const shards = new Uint16Array(n);
  // Entries either all carry an explicit hash key or none does (the baselines route by key, and
  // the SDK never checks the answer's shard); a mix is answered on shard 0.
  let k = 0;
  for (let at = body.indexOf(EXPLICIT_HASH_KEY); at >= 0 && k < n; k++) {
    const from = at + EXPLICIT_HASH_KEY.length;
    const to = body.indexOf(QUOTE, from);
    shards[k] = layout.shardOf(body.toString('latin1', from, to));
    at = body.indexOf(EXPLICIT_HASH_KEY, to);
  }
  if (k !== n) shards.fill(0);
  stats.putRecordsCalls++;
  stats.entries += n;
  stats.bodyBytes += body.length;
  let size = HEAD.length + TAIL.length;
  for (let i = 0; i < n; i++) size += layout.entries[shards[i]!]!.length + (i > 0 ? 1 : 0);
  const out = Buffer.allocUnsafe(size);
  let o = HEAD.copy(out, 0);
  for (let i = 0; i < n; i++) {
    o += (i > 0 ? layout.entriesAfterComma : layout.entries)[shards[i]!]!.copy(out, o);
  }
  TAIL.copy(out, o);
  return out;
}

const HEADERS_JSON = { 'content-type': 'application/x-amz-json-1.1' };

export async function startInstantKinesis(
  opts: { shards?: number; port?: number } = {},
): Promise<InstantKinesis> {
  const defaultShards = opts.shards ?? 4;
  const layouts = new Map<number, ShardLayout>();
  // A stream named with a number ("s64") has that many shards; any other has the default.
  const layoutOf = (body: Buffer): ShardLayout => {
    const at = body.indexOf(STREAM_NAME);
    const m = at < 0 ? null : /^"[^"\d]*(\d+)"/.exec(body.toString('latin1', at + 13, at + 80));
    const n = m ? Number(m[1]) : defaultShards;
    let layout = layouts.get(n);
    if (!layout) layouts.set(n, (layout = new ShardLayout(n)));
    return layout;
  };
  const stats: InstantKinesisStats = { putRecordsCalls: 0, entries: 0, bodyBytes: 0, first: {} };
  const reply = (res: ServerResponse, status: number, body: Buffer) => {
    res.writeHead(status, { ...HEADERS_JSON, 'content-length': body.length });
    res.end(body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.slice(target.indexOf('.') + 1);
    if (stats.first[op] === undefined) stats.first[op] = performance.timeOrigin + performance.now();
    if (op === 'PutRecords') reply(res, 200, putRecordsAnswer(body, layoutOf(body), stats));
    else if (op === 'ListShards') reply(res, 200, layoutOf(body).listShardsBody);
    else {
      const error = { __type: 'UnknownOperationException', message: `Unknown operation ${op}` };
      reply(res, 400, Buffer.from(JSON.stringify(error)));
    }
  };
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Run as its own process: prints "READY <port>", answers a "stats" line on stdin with a JSON line,
// and exits when stdin closes (so it never outlives the benchmark).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shards = Number(process.argv[2] ?? 4);
  const instant = await startInstantKinesis({ shards });
  process.stdout.write(`READY ${instant.port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'stats') {
      const cpu = process.cpuUsage();
      process.stdout.write(
        `${JSON.stringify({ ...instant.stats, cpuMicros: cpu.user + cpu.system })}\n`,
      );
    }
  });
  lines.on('close', () => process.exit(0));
}
