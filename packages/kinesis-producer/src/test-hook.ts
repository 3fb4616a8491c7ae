// The one door through which tests look inside a producer: which daemon runs, what waits for
// it, how often it was restarted. NOT public API: index.ts does not export it, and what it shows
// may change with any release. Tests that need more add it here rather than cast private fields,
// so a refactoring that moves a field breaks the compiler instead of a test at run time.
import type { KinesisProducer } from './producer.js';
import type { Supervisor } from './supervisor.js';

export interface ProducerInternals {
  /** The current daemon's process id, or the last one's when none runs. */
  readonly daemonPid: number | undefined;
  /** Whether the current (or last) daemon process is still running. */
  readonly daemonAlive: boolean;
  /** The current daemon's stderr, where its log lines arrive. */
  readonly daemonStderr: NodeJS.ReadableStream;
  /** Bytes handed to the channel that the daemon has not read yet. */
  readonly pendingBytes: number;
  /** True while frames wait for the configuration (the region is being looked up). */
  readonly waitingForConfiguration: boolean;
  /** Restarts counted within the restart window. */
  readonly restartsSoFar: number;
  /** Records sent again to a restarted daemon, in total. */
  readonly resubmitted: number;
}

/** The key of the method that opens the door; only KinesisProducer implements it. */
export const internalsOf: unique symbol = Symbol('kinesis-producer test hook');

/** A live view of `producer`'s internals, for tests only. */
export function producerInternals(producer: KinesisProducer): ProducerInternals {
  return producer[internalsOf]();
}

/** The live view a producer hands out: its supervisor's daemon, and its own resubmit count. */
export function internalsView(
  supervisor: Supervisor,
  resubmitted: () => number,
): ProducerInternals {
  return {
    get daemonPid() {
      return supervisor.channel.pid;
    },
    get daemonAlive() {
      return supervisor.channel.alive;
    },
    get daemonStderr() {
      return supervisor.channel.stderr;
    },
    get pendingBytes() {
      return supervisor.channel.pendingBytes;
    },
    get waitingForConfiguration() {
      return supervisor.channel.waitingForConfiguration;
    },
    get restartsSoFar() {
      return supervisor.restartsSoFar;
    },
    get resubmitted() {
      return resubmitted();
    },
  };
}
