// The one object that owns the daemon process and the wire to it. Frames go out coalesced;
// replies come back by source id; when the process ends, one callback says how.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import type { CheckedRecord, Logger } from '@kinesis-producer/options';
import {
  type Configuration,
  configurationMessage,
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  FrameWriter,
  type GroupedResultsFields,
  type Message,
  type PutRecordResultFields,
  type PutRecordResultsFields,
  putRecordSize,
  writePutRecord,
} from '@kinesis-producer/protocol';
import { bundledDaemonPath } from './daemon-path.js';
import { DaemonExitedError, ProtocolError } from './errors.js';
import type { Entry } from './journal.js';
import { forwardDaemonLine } from './logging.js';
import type { ExitInfo } from './restart-policy.js';
import type { SentFrames } from './sent-frames.js';

export interface ChannelHandlers {
  result(sourceId: number, result: PutRecordResultFields): void;
  results(batch: PutRecordResultsFields): void;
  /** Records `from` to `to` (exclusive) of a GroupedResults message. */
  grouped(group: GroupedResultsFields, from: number, to: number): void;
  message(m: Message): void;
  /** Bytes arrived from the daemon: it is alive. Called once per chunk, not per frame. */
  activity(): void;
  /** Called once, when the process has ended and its output has been read. */
  exit(error: DaemonExitedError, info: ExitInfo): void;
}

const STDERR_TAIL_LINES = 20;
/** Longest stretch of result handling before the event loop gets a turn. */
const SLICE_MS = 1;
/**
 * Records of a GroupedResults message settled between two looks at the clock: a message holds up
 * to about 16,000, far more than a slice, and reading the clock per record would cost more than
 * settling it.
 */
const GROUP_STEP = 256;

// The daemon gets only what a Node process needs to run: no credentials can leak through
// an inherited environment.
const ENV_ALLOWED = ['PATH', 'SystemRoot', 'TZ', 'LANG', 'LC_ALL', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];

export class DaemonChannel {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly writer: FrameWriter;
  private readonly decoder = new FrameDecoder(12 * 1024 * 1024);
  private readonly stderrTail: string[] = [];
  private stderrPartial = '';
  private fatal: { code: string; message: string } | undefined;
  private protocolError: ProtocolError | undefined;
  private spawnFailed = false;
  /** Why the wrapper killed the daemon, for the exit error. */
  private killReason: string | undefined;
  private ended = false;
  /** Frames waiting for the configuration, while the region is being looked up. */
  private held: Uint8Array[] | undefined;
  private heldBytes = 0;
  private endWhenReleased = false;
  /** Frames read from the daemon and not yet handled (see drain()). */
  private inbox: Buffer[] = [];
  private inboxAt = 0;
  private draining = false;
  /** A GroupedResults message being settled, and the index of its next record. */
  private group: GroupedResultsFields | undefined;
  private groupAt = 0;

  constructor(
    configuration: Configuration | Promise<Configuration>,
    private readonly handlers: ChannelHandlers,
    private readonly logger: Logger,
    private readonly frames: SentFrames,
    executable?: string,
  ) {
    const [cmd, args] = command(executable);
    const env: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    for (const k of ENV_ALLOWED) if (process.env[k] !== undefined) env[k] = process.env[k];
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env, windowsHide: true });
    const stdin = this.child.stdin;
    this.writer = new FrameWriter(stdin, { fd: () => pipeFd(stdin) });
    this.child.stdin.on('error', () => {
      // EPIPE when the daemon died: its exit is reported through 'close'.
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => this.onStderr(text));
    this.child.on('error', (err) => {
      // Only spawning raises 'error' here: kill() is guarded by `ended`.
      this.spawnFailed = true;
      this.logger.error?.(`kinesis-producer daemon could not start: ${err.message}`);
      this.stderrTail.push(err.message);
    });
    this.child.on('close', (code, signal) => this.onClose(code, signal));
    // The configuration is the first frame, before anything a caller can send. When it is not
    // complete yet (the region is still being looked up), later frames wait here, in order.
    if (configuration instanceof Promise) {
      this.held = [];
      void configuration.then((c) => this.release(c));
    } else {
      this.sendConfiguration(configuration);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Where the daemon's log lines arrive (tests listen to it). */
  get stderr(): NodeJS.ReadableStream {
    return this.child.stderr;
  }

  /** The daemon sent a frame that does not decode (and was killed for it). */
  get sentCorruptFrame(): boolean {
    return this.protocolError !== undefined;
  }

  /** True while frames wait for the configuration (the region is being looked up). */
  get waitingForConfiguration(): boolean {
    return this.held !== undefined;
  }

  /** Bytes handed to the channel that the daemon has not read yet (ours and the pipe's). */
  get pendingBytes(): number {
    return this.writer.pendingBytes + this.heldBytes;
  }

  /**
   * Writes the record's frame: encoded from its fields the first time, copied from the frame
   * written before when it goes to a new daemon. Either way the journal keeps the frame from then
   * on (see SentFrames), not the caller's objects.
   */
  putRecord(id: number, r: Entry, source: CheckedRecord | undefined = r.source): void {
    const before = r.frame;
    if (before === undefined && source === undefined) {
      throw new TypeError(`record ${id} has neither a frame nor its values`);
    }
    // Sized and written from the same object with nothing in between: the encoder keeps the
    // lengths it measured for the write (an object shared by every record, see RecordIntake).
    const size = before === undefined ? putRecordSize(id, source!) : r.frameSize;
    if (this.held) {
      // Encoded now: the caller may reuse the data's buffer once the call returns.
      const frame = Buffer.allocUnsafe(size);
      if (before === undefined) writePutRecord(frame, 0, id, source!);
      else copyFrame(frame, 0, r);
      this.hold(frame);
      this.frames.wrote(r, frame, 0, size);
      return;
    }
    if (before === undefined) this.writer.frame(size, writePutRecord, id, source!);
    else this.writer.frame(size, copyFrame, r);
    const buf = this.writer.lastBuffer;
    // Undefined: the writer is closed (the daemon ended) and the record keeps what it had.
    if (buf !== undefined) this.frames.wrote(r, buf, this.writer.lastAt, size);
  }

  send(m: Message): void {
    if (this.held) this.hold(encodeMessage(m));
    else this.writer.message(encodeMessage(m));
  }

  /** Closing stdin tells the daemon to exit. */
  end(): void {
    if (this.held) {
      this.endWhenReleased = true;
      return;
    }
    this.writer.flush();
    this.child.stdin.end();
  }

  /** `reason` goes into the exit error (a hang, a corrupt frame). */
  kill(signal: NodeJS.Signals = 'SIGKILL', reason?: string): void {
    if (this.ended) return;
    this.killReason ??= reason;
    this.child.kill(signal);
  }

  /** While nothing is outstanding the daemon must not keep the user's process alive. */
  setBusy(busy: boolean): void {
    const streams = [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as {
      ref(): void;
      unref(): void;
    }[];
    if (busy) {
      this.child.ref();
      for (const s of streams) s.ref?.();
    } else {
      this.child.unref();
      for (const s of streams) s.unref?.();
    }
  }

  private sendConfiguration(configuration: Configuration): void {
    this.writer.message(encodeMessage(configurationMessage(configuration)));
  }

  private hold(frame: Uint8Array): void {
    this.held!.push(frame);
    this.heldBytes += frame.length;
  }

  private release(configuration: Configuration): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldBytes = 0;
    if (this.ended) return;
    this.sendConfiguration(configuration);
    for (const frame of held) this.writer.message(frame);
    if (this.endWhenReleased) this.end();
  }

  private onStdout(chunk: Buffer): void {
    if (this.protocolError) return;
    this.handlers.activity();
    try {
      const frames = this.decoder.push(chunk);
      if (this.inbox.length === this.inboxAt) {
        this.inbox = frames;
        this.inboxAt = 0;
      } else {
        for (const f of frames) this.inbox.push(f);
      }
    } catch (err) {
      this.corrupt(err);
      return;
    }
    if (!this.draining) this.drain();
  }

  /**
   * Settles results in slices of about a millisecond: one PutRecords answer can complete tens of
   * thousands of records, and doing them all in one go would stall the user's event loop. While
   * a slice is pending, stdout is paused so the pipe, not memory, holds what waits.
   */
  private drain(): void {
    const start = performance.now();
    const inbox = this.inbox;
    try {
      for (;;) {
        if (this.group !== undefined && !this.settleGroup(start)) return;
        if (this.inboxAt >= inbox.length) break;
        this.frame(inbox[this.inboxAt++]!);
        if (this.protocolError) return;
        // Checked after every frame: one frame of batched results settles hundreds of records.
        if (this.group === undefined && performance.now() - start > SLICE_MS) {
          this.yieldSlice();
          return;
        }
      }
    } catch (err) {
      this.corrupt(err);
      return;
    }
    this.inbox = [];
    this.inboxAt = 0;
    if (this.draining) {
      this.draining = false;
      this.child.stdout.resume();
    }
  }

  /** Settles the pending group in steps; false when the slice ran out first. */
  private settleGroup(start: number): boolean {
    const g = this.group!;
    const n = g.sourceIds.length;
    while (this.groupAt < n) {
      const from = this.groupAt;
      const to = Math.min(n, from + GROUP_STEP);
      this.groupAt = to;
      this.handlers.grouped(g, from, to);
      if (to < n && performance.now() - start > SLICE_MS) {
        this.yieldSlice();
        return false;
      }
    }
    this.group = undefined;
    return true;
  }

  private yieldSlice(): void {
    if (!this.draining) {
      this.draining = true;
      this.child.stdout.pause();
    }
    setImmediate(() => this.drain());
  }

  private frame(frame: Buffer): void {
    const m = decodeMessage(frame);
    if (m.kind === 'putRecordResult') this.handlers.result(m.sourceId, m.result);
    else if (m.kind === 'groupedResults') {
      this.group = m.results;
      this.groupAt = 0;
    } else if (m.kind === 'putRecordResults') this.handlers.results(m.results);
    else if (m.kind === 'other') {
      const a = m.message.actualMessage;
      if (a.case === 'fatalError') this.fatal = { code: a.value.code, message: a.value.message };
      else this.handlers.message(m.message);
    }
  }

  private corrupt(err: unknown): void {
    // Nothing after a corrupt frame can be trusted: stop the daemon and fail everything.
    this.protocolError = new ProtocolError(
      `The daemon sent a frame that does not decode: ${(err as Error).message}`,
      { cause: err },
    );
    this.inbox = [];
    this.inboxAt = 0;
    this.group = undefined;
    if (this.draining) {
      this.draining = false;
      this.child.stdout.resume();
    }
    this.logger.error?.(this.protocolError.message);
    this.kill('SIGKILL', this.protocolError.message);
  }

  private onStderr(text: string): void {
    const lines = (this.stderrPartial + text).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      forwardDaemonLine(this.logger, line);
    }
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    this.writer.close();
    if (this.stderrPartial) this.onStderr('\n');
    const reason =
      this.killReason ?? (this.fatal ? `${this.fatal.code}: ${this.fatal.message}` : undefined);
    const err = new DaemonExitedError(code, signal, this.stderrTail.slice(-5).join(' | '), reason);
    this.handlers.exit(err, { code, signal, fatal: this.fatal, spawnFailed: this.spawnFailed });
  }
}

/**
 * Node flags for a daemon that runs on this Node. A larger young generation: its records live
 * about RecordMaxBufferedTime, long enough to survive the default young generation's frequent
 * scavenges and be copied, then promoted, at hundreds of thousands a second; with room for a few
 * hundred milliseconds of allocation most die young. On a machine of one or two cores, garbage
 * collection on the daemon's own thread only: helper threads would compete with the
 * application for the same cores (the bench measured less daemon CPU per record, and more
 * records/s end to end, that way).
 */
export const DAEMON_NODE_FLAGS = [
  '--max-semi-space-size=64',
  ...(availableParallelism() <= 2 ? ['--single-threaded-gc'] : []),
];

/** A frame written before, copied as it is: the same id, the same bytes. */
function copyFrame(buf: Buffer, offset: number, r: Entry): void {
  r.frame!.buf.copy(buf, offset, r.frameAt, r.frameAt + r.frameSize);
}

/**
 * The descriptor behind the child's stdin, for FrameWriter to write to directly inside a long
 * loop; undefined where there is none to use (Windows' named pipes, a Node that hides it, or a
 * stream already closed: its handle is gone at once).
 */
function pipeFd(stdin: Writable): number | undefined {
  if (process.platform === 'win32' || stdin.destroyed) return undefined;
  const fd = (stdin as Writable & { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

function command(executable?: string): [string, string[]] {
  if (!executable) return [process.execPath, [...DAEMON_NODE_FLAGS, bundledDaemonPath()]];
  // A script build runs on this Node; anything else is an executable of its own.
  if (/\.(c|m)?js$/.test(executable)) return [process.execPath, [...DAEMON_NODE_FLAGS, executable]];
  return [executable, []];
}
