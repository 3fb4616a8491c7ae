// Reads frames and routes each message: records to their stream's pipeline, control messages
// to their handlers. Input it cannot trust ends the daemon with a clear fatal error, never a
// crash. Results go back through the ResultWriter.
import {
  type Decoded,
  decodeMessage,
  ExitCode,
  FatalCode,
  FrameDecoder,
  FrameError,
  type FrameWriter,
  type Message,
  RecordErrorCode,
  StringInterner,
} from '@kinesis-producer/protocol';
import { now } from './clock.js';
import { ConfigError, readConfig } from './config.js';
import { describeError } from './contained-error.js';
import { CredentialsHolder } from './credentials-holder.js';
import { fatalFrame } from './fatal.js';
import { internedKeyInfo, type PartitionKeyInfo } from './hex-hash-key.js';
import { log, setLogLevel } from './log.js';
import { Metrics } from './metrics/daemon-metrics.js';
import { metricsResponseFrame } from './metrics/metrics-query.js';
import { ResultWriter } from './result-writer.js';
import { StreamPipelines } from './stream-pipelines.js';
import { userAgent } from './version.js';

/**
 * The longest the daemon keeps sending after its input ended (the application exited or died):
 * min(RecordTtl, 30 s). Long enough for a few rounds of retries; short enough that a daemon whose
 * endpoint is down does not linger long after its application is gone.
 */
export const DRAIN_LIMIT_MS = 30_000;

export class FrameRouter {
  private readonly decoder = new FrameDecoder();
  /** Partition keys by their bytes, each entry holding what the daemon knows of the key. */
  private readonly keys = new StringInterner(internedKeyInfo);
  private readonly kinesisCredentials = new CredentialsHolder();
  readonly metricsCredentials = new CredentialsHolder();
  private producer: StreamPipelines | undefined;
  private metrics: Metrics | undefined;
  private resultId = 0;
  private stopped = false;
  /** Stdin ended: no more input; the records held are being sent before the daemon exits. */
  private inputEnded = false;
  private drainCheckScheduled = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private recordTtl = 0;
  /** When the input chunk being read arrived, read at its first record; -1 until then. */
  private chunkArrival = -1;
  private readonly results: ResultWriter;

  constructor(
    private readonly writer: FrameWriter,
    private readonly exit: (code: number) => void,
  ) {
    this.results = new ResultWriter(
      writer,
      () => ++this.resultId,
      () => this.afterResult(),
    );
  }

  data(chunk: Buffer): void {
    if (this.stopped || this.inputEnded) return;
    this.chunkArrival = -1;
    try {
      this.decoder.each(chunk, this.onFrame);
    } catch (err) {
      // Only the framing is the input's fault; anything else is ours and exits as such.
      if (!(err instanceof FrameError)) throw err;
      this.fatal(FatalCode.protocol, err.message, ExitCode.protocol);
    }
  }

  private readonly onFrame = (buf: Buffer, start: number, end: number): void => {
    if (!this.stopped) this.frame(buf, start, end);
  };

  /** Handling one record threw: that record fails alone, with a stable code. */
  private containRecord(id: number, err: unknown): void {
    const why = describeError(err);
    log.error(`record ${id} could not be handled: ${why}`);
    this.results.result(id, {
      successful: false,
      attempts: [
        {
          delay: 0,
          duration: 0,
          successful: false,
          errorCode: RecordErrorCode.daemonInternalError,
          errorMessage: `the daemon failed to handle this record: ${why}`,
        },
      ],
    });
  }

  end(): void {
    if (this.stopped || this.inputEnded) return;
    try {
      this.decoder.end();
    } catch (err) {
      this.fatal(
        FatalCode.protocol,
        `input ended inside a frame: ${(err as Error).message}`,
        ExitCode.protocol,
      );
      return;
    }
    this.inputEnded = true;
    this.drain();
  }

  /**
   * The application is gone or done: what it handed over is still sent, with retries, for at
   * most DRAIN_LIMIT_MS (or the records' TTL if shorter); then the daemon exits either way.
   */
  private drain(): void {
    const p = this.producer;
    const held = p?.outstanding ?? 0;
    if (p === undefined || held === 0) {
      this.leave();
      return;
    }
    const bound = Math.min(this.recordTtl, DRAIN_LIMIT_MS);
    log.info(`input ended: sending the ${held} records held, for at most ${bound} ms`);
    p.drain();
    this.drainTimer = setTimeout(() => {
      log.warn(`input ended ${bound} ms ago: exiting with ${p.outstanding} records still unsent`);
      this.leave();
    }, bound);
  }

  /** After each result while draining: leave once the last record has its answer. */
  private afterResult(): void {
    if (!this.inputEnded || this.drainCheckScheduled) return;
    this.drainCheckScheduled = true;
    queueMicrotask(() => {
      this.drainCheckScheduled = false;
      if (!this.stopped && (this.producer?.outstanding ?? 0) === 0) this.leave();
    });
  }

  private leave(): void {
    if (this.stopped) return;
    this.results.flushBatch();
    this.stopped = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.exit(ExitCode.done);
  }

  /** Reports why the daemon stops (stderr and a last frame), then exits. Only the first counts. */
  fatal(code: FatalCode, message: string, exitCode: ExitCode): void {
    if (this.stopped) return;
    this.stopped = true;
    log.fatal(`${code}: ${message}`);
    this.writer.message(fatalFrame(code, message));
    this.exit(exitCode);
  }

  private frame(buf: Buffer, start: number, end: number): void {
    let m: Decoded<PartitionKeyInfo>;
    try {
      // Reused objects: put() takes what it keeps from the record before the next frame.
      m = decodeMessage(buf, this.keys, start, end, true);
    } catch (err) {
      this.fatal(
        FatalCode.protocol,
        `a frame did not decode: ${(err as Error).message}`,
        ExitCode.protocol,
      );
      return;
    }
    if (m.kind === 'putRecord') {
      if (!this.producer) {
        this.fatal(
          FatalCode.protocol,
          'a record arrived before the configuration',
          ExitCode.protocol,
        );
        return;
      }
      // One clock read per input chunk, not per record (a chunk holds hundreds of records): a
      // record's arrival is then at most one chunk's processing (about a millisecond) early, so
      // its buffering deadline and its expiry come that much early too, never late.
      if (this.chunkArrival < 0) this.chunkArrival = now();
      try {
        this.producer.put(m.id, m.record, this.chunkArrival);
      } catch (err) {
        this.containRecord(m.id, err);
      }
    } else if (m.kind !== 'other') {
      log.warn('ignored results sent to the daemon');
    } else {
      try {
        this.control(m.message);
      } catch (err) {
        // A control message is nobody's record: it is dropped, loudly, and the daemon goes on.
        log.error(
          `a ${m.message.actualMessage.case} message could not be handled: ${describeError(err)}`,
        );
      }
    }
  }

  private control(m: Message): void {
    const a = m.actualMessage;
    switch (a.case) {
      case 'configuration':
        this.configure(a.value);
        return;
      case 'setCredentials': {
        const c = a.value.credentials!;
        const creds = {
          accessKeyId: c.akid,
          secretAccessKey: c.secretKey,
          sessionToken: c.token || undefined,
        };
        (a.value.forMetrics ? this.metricsCredentials : this.kinesisCredentials).set(creds);
        return;
      }
      case 'flush':
        this.producer?.flush(a.value.streamName || undefined);
        return;
      case 'metricsRequest':
        this.writer.message(
          metricsResponseFrame(BigInt(++this.resultId), m.id, this.metrics?.query(a.value)),
        );
        return;
      case 'streamMetadata':
        if (!a.value.streamName || !a.value.streamId) {
          log.error('ignored stream metadata without a stream name and id');
          return;
        }
        this.producer?.setStreamId(a.value.streamName, a.value.streamId);
        return;
      default:
        log.warn(`ignored a message of type ${a.case ?? 'none'}`);
    }
  }

  private configure(value: Parameters<typeof readConfig>[0]): void {
    if (this.producer) {
      log.warn('ignored a second configuration');
      return;
    }
    try {
      const c = readConfig(value);
      setLogLevel(c.logLevel);
      this.results.batched = c.batchedResults;
      this.results.grouped = c.groupedResults;
      this.recordTtl = c.recordTtl;
      if (!c.region)
        throw new ConfigError(
          'no region: set the region option, AWS_REGION, or a region in the AWS config file',
        );
      const credentials = { metrics: this.metricsCredentials, kinesis: this.kinesisCredentials };
      this.metrics = new Metrics(c, credentials, userAgent());
      this.producer = new StreamPipelines(c, this.kinesisCredentials, this.results, this.metrics);
      log.debug('configured');
    } catch (err) {
      this.fatal(FatalCode.config, (err as Error).message, ExitCode.config);
    }
  }
}
