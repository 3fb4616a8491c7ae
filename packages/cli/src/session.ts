// The --json session: the daemon's own frame router, in this process, fed with frames built from
// JSON lines, its frames turned back into JSON lines. Everything between is the daemon as a
// KinesisProducer runs it, so what it does by hand is what it does under a producer.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { FrameRouter } from '@kinesis-producer/daemon/frame-router';
import { log } from '@kinesis-producer/daemon/log';
import {
  CredentialsPusher,
  checkRecord,
  type KinesisProducerOptions,
  resolveOptions,
  withRegion,
} from '@kinesis-producer/options';
import {
  configurationMessage,
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  FrameWriter,
  flushMessage,
  type Message,
  metricsRequestMessage,
  type PutRecordResultFields,
  putRecordSize,
  writePutRecord,
} from '@kinesis-producer/protocol';

export interface SessionIo {
  input: Readable;
  /** One JSON line out (without its newline). */
  write(line: string): void;
}

/** At the end of input, records still waiting are flushed this often until all have results. */
const END_FLUSH_MS = 100;

/** Runs until the input ends and every record has its result; resolves to the exit code. */
export async function runSession(options: KinesisProducerOptions, io: SessionIo): Promise<number> {
  const { configuration, settings } = resolveOptions(options);
  const config = await withRegion(configuration);
  return new Promise((resolve) => {
    const s = new Session(io, resolve);
    s.send(configurationMessage(config));
    // The SDK's default chain, as the wrapper does with no credentials option.
    s.credentials = new CredentialsPusher(
      undefined,
      undefined,
      settings.credentialsRefreshDelay,
      (m) => s.send(m),
      { warn: log.warn, info: log.info },
    );
    s.credentials.start();
    s.read(settings.maxUserRecordSize);
  });
}

type Tag = unknown;

class Session {
  credentials: CredentialsPusher | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly writer: FrameWriter;
  private readonly router: FrameRouter;
  /** Records without a result, by id, in the order they were put. */
  private readonly puts = new Map<number, Tag>();
  private readonly metrics = new Map<bigint, Tag>();
  private flushWaiters: { upTo: number; tag: Tag }[] = [];
  private nextId = 1;
  private line = 0;
  private inputEnded = false;
  private endTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly io: SessionIo,
    private readonly finished: (code: number) => void,
  ) {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.fromDaemon(chunk);
        callback();
      },
    });
    this.writer = new FrameWriter(sink);
    this.router = new FrameRouter(this.writer, (code) => this.exit(code));
  }

  send(m: Message): void {
    this.frame(encodeMessage(m));
  }

  read(maxDataBytes: number): void {
    const lines = createInterface({ input: this.io.input, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (text) => {
      this.line++;
      if (this.done || text.trim() === '') return;
      this.command(text, maxDataBytes);
    });
    lines.on('close', () => {
      this.inputEnded = true;
      this.maybeEnd();
    });
  }

  private frame(payload: Uint8Array): void {
    const f = Buffer.allocUnsafe(4 + payload.length);
    f.writeUInt32BE(payload.length, 0);
    f.set(payload, 4);
    this.router.data(f);
  }

  private command(text: string, maxDataBytes: number): void {
    let c: Record<string, unknown>;
    try {
      c = JSON.parse(text) as Record<string, unknown>;
      if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('not an object');
    } catch (err) {
      this.out({
        op: 'error',
        line: this.line,
        message: `not a JSON object: ${(err as Error).message}`,
      });
      return;
    }
    const tag: Tag = c.id ?? this.line;
    try {
      switch (c.op) {
        case 'put':
          this.put(c, tag, maxDataBytes);
          return;
        case 'flush':
          this.flush(c, tag);
          return;
        case 'metrics':
          this.metricsRequest(c, tag);
          return;
        default:
          throw new Error(`unknown op ${JSON.stringify(c.op)}; one of put, flush, metrics`);
      }
    } catch (err) {
      this.out({ op: 'error', id: tag, message: (err as Error).message });
    }
  }

  private put(c: Record<string, unknown>, tag: Tag, maxDataBytes: number): void {
    const data =
      typeof c.dataBase64 === 'string' ? Buffer.from(c.dataBase64, 'base64') : (c.data as string);
    const r = checkRecord(
      {
        streamName: (c.stream ?? c.streamName) as string,
        partitionKey: c.partitionKey as string,
        data,
        explicitHashKey: c.explicitHashKey as string | undefined,
      },
      maxDataBytes,
    );
    const id = this.nextId++;
    this.puts.set(id, tag);
    const f = Buffer.allocUnsafe(4 + putRecordSize(id, r));
    f.writeUInt32BE(f.length - 4, 0);
    writePutRecord(f, 4, id, r);
    this.router.data(f);
  }

  private flush(c: Record<string, unknown>, tag: Tag): void {
    const streamName = typeof c.stream === 'string' ? c.stream : undefined;
    this.send(flushMessage(streamName));
    this.flushWaiters.push({ upTo: this.nextId - 1, tag });
    this.answerFlushes();
  }

  private metricsRequest(c: Record<string, unknown>, tag: Tag): void {
    const id = BigInt(this.nextId++);
    this.metrics.set(id, tag);
    const name = typeof c.name === 'string' ? c.name : undefined;
    const seconds = typeof c.seconds === 'number' && c.seconds > 0 ? BigInt(c.seconds) : undefined;
    this.send(metricsRequestMessage(id, name, seconds));
  }

  private fromDaemon(chunk: Buffer): void {
    for (const f of this.decoder.push(chunk)) {
      const m = decodeMessage(f);
      if (m.kind === 'putRecordResult') this.result(m.sourceId, m.result);
      else if (m.kind === 'other') this.message(m.message);
    }
  }

  private result(id: number, r: PutRecordResultFields): void {
    const tag = this.puts.get(id);
    this.puts.delete(id);
    this.out({
      op: 'put',
      id: tag,
      successful: r.successful,
      shardId: r.shardId,
      sequenceNumber: r.sequenceNumber,
      attempts: r.attempts.map((a) => ({
        delay: a.delay,
        duration: a.duration,
        successful: a.successful,
        errorCode: a.errorCode,
        errorMessage: a.errorMessage,
      })),
    });
    this.answerFlushes();
    this.maybeEnd();
  }

  private message(m: Message): void {
    const a = m.actualMessage;
    if (a.case === 'metricsResponse') {
      const tag = this.metrics.get(m.sourceId);
      this.metrics.delete(m.sourceId);
      this.out({
        op: 'metrics',
        id: tag,
        metrics: a.value.metrics.map((x) => ({
          name: x.name,
          dimensions: Object.fromEntries(x.dimensions.map((d) => [d.key, d.value])),
          sum: x.stats?.sum,
          mean: x.stats?.mean,
          sampleCount: x.stats?.count,
          min: x.stats?.min,
          max: x.stats?.max,
          duration: Number(x.seconds),
        })),
      });
      this.maybeEnd();
    } else if (a.case === 'fatalError') {
      this.out({ op: 'fatal', code: a.value.code, message: a.value.message });
    }
  }

  /** A flush is answered once no record put before it is still waiting. */
  private answerFlushes(): void {
    const oldest = this.puts.keys().next();
    const first = oldest.done ? Number.POSITIVE_INFINITY : oldest.value;
    const ready = this.flushWaiters.filter((w) => w.upTo < first);
    if (ready.length === 0) return;
    this.flushWaiters = this.flushWaiters.filter((w) => w.upTo >= first);
    for (const w of ready) this.out({ op: 'flush', id: w.tag });
  }

  private maybeEnd(): void {
    if (!this.inputEnded || this.done) return;
    if (this.puts.size > 0 || this.metrics.size > 0) {
      // As flushSync does: buffered records go out now rather than after their buffering time.
      this.endTimer ??= setInterval(() => {
        this.send(flushMessage());
      }, END_FLUSH_MS);
      return;
    }
    this.router.end();
  }

  private exit(code: number): void {
    if (this.done) return;
    this.done = true;
    // The frames still queued (results, a fatal error) become lines before the end.
    this.writer.flush();
    if (this.endTimer) clearInterval(this.endTimer);
    this.credentials?.stop();
    this.finished(code);
  }

  private out(o: Record<string, unknown>): void {
    this.io.write(JSON.stringify(o));
  }
}
