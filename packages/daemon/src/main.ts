// The kinesis-producer daemon: frames in on stdin, results out on stdout, logs on stderr.
// The first frame is the Configuration; credentials follow as SetCredentials frames. Nothing
// secret ever comes through argv or the environment.
import { Socket } from 'node:net';
import {
  decodeMessage,
  FrameDecoder,
  FrameWriter,
  type Message,
  putRecordResultSize,
  writePutRecordResult,
} from '@kinesis-producer/protocol';
import { ConfigError, readConfig } from './config.js';
import { CredentialsHolder } from './credentials.js';
import { log, setLogLevel } from './log.js';
import { Producer } from './producer.js';
import { fatalFrame } from './fatal.js';

/** Exit codes: 1 the configuration is unusable; 3 the input stream is corrupt. */
const EXIT_CONFIG = 1;
const EXIT_PROTOCOL = 3;

// process.stdout writes synchronously to pipes on Linux; a socket on fd 1 writes
// asynchronously, so a slow reader cannot stall the pipeline's timers.
const out = new Socket({ fd: 1, readable: false, writable: true });
const writer = new FrameWriter(out);
const decoder = new FrameDecoder();
const kinesisCredentials = new CredentialsHolder();
const metricsCredentials = new CredentialsHolder();
let producer: Producer | undefined;
let resultId = 0;

out.on('error', () => process.exit(0)); // the wrapper is gone; nobody is left to answer

function fatal(code: string, message: string, exitCode: number): never {
  log.fatal(`${code}: ${message}`);
  writer.message(fatalFrame(code, message));
  writer.flush();
  out.end(() => process.exit(exitCode));
  // Give the socket a moment to drain if end's callback never comes.
  setTimeout(() => process.exit(exitCode), 500).unref();
  throw new FatalExit();
}

class FatalExit extends Error {}

function onResult(sourceId: number, r: Parameters<typeof writePutRecordResult>[4]): void {
  const id = ++resultId;
  writer.frame(putRecordResultSize(id, sourceId, r), (buf, o) => {
    writePutRecordResult(buf, o, id, sourceId, r);
  });
}

function handle(frame: Buffer): void {
  let m: ReturnType<typeof decodeMessage>;
  try {
    m = decodeMessage(frame);
  } catch (err) {
    fatal('PROTOCOL', `a frame did not decode: ${(err as Error).message}`, EXIT_PROTOCOL);
  }
  if (m.kind === 'putRecord') {
    if (!producer) fatal('PROTOCOL', 'a record arrived before the configuration', EXIT_PROTOCOL);
    producer.put(m.id, m.record);
    return;
  }
  if (m.kind === 'putRecordResult') {
    log.warn('ignored a PutRecordResult sent to the daemon');
    return;
  }
  control(m.message);
}

function control(m: Message): void {
  const a = m.actualMessage;
  switch (a.case) {
    case 'configuration': {
      if (producer) {
        log.warn('ignored a second configuration');
        return;
      }
      try {
        const c = readConfig(a.value);
        setLogLevel(c.logLevel);
        if (!c.region) throw new ConfigError('no region: set the region option');
        producer = new Producer(c, kinesisCredentials, onResult);
        log.debug('configured');
      } catch (err) {
        if (err instanceof FatalExit) throw err;
        fatal('CONFIG', (err as Error).message, EXIT_CONFIG);
      }
      return;
    }
    case 'setCredentials': {
      const c = a.value.credentials;
      if (!c?.akid || !c.secretKey) {
        log.error('ignored credentials without an access key id or secret');
        return;
      }
      const creds = { accessKeyId: c.akid, secretAccessKey: c.secretKey, sessionToken: c.token || undefined };
      (a.value.forMetrics ? metricsCredentials : kinesisCredentials).set(creds);
      return;
    }
    case 'flush':
      producer?.flush(a.value.streamName || undefined);
      return;
    case 'streamMetadata':
      if (!a.value.streamName || !a.value.streamId) {
        log.error('ignored stream metadata without a stream name and id');
        return;
      }
      producer?.setStreamId(a.value.streamName, a.value.streamId);
      return;
    default:
      log.warn(`ignored a message of type ${a.case ?? 'none'}`);
  }
}

process.stdin.on('data', (chunk: Buffer) => {
  try {
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      fatal('PROTOCOL', (err as Error).message, EXIT_PROTOCOL);
    }
    for (const f of frames) handle(f);
  } catch (err) {
    if (err instanceof FatalExit) {
      process.stdin.pause();
      return;
    }
    // A bug of ours, not bad input: report it the same clear way rather than die silently.
    fatal('INTERNAL', (err as Error).stack ?? String(err), 70);
  }
});

// The wrapper closing stdin means it is gone or done: the daemon never outlives it.
process.stdin.on('end', () => {
  try {
    decoder.end();
  } catch (err) {
    log.warn(`input ended inside a frame: ${(err as Error).message}`);
  }
  writer.flush();
  out.end(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

process.on('uncaughtException', (err) => {
  if (err instanceof FatalExit) return;
  try {
    fatal('INTERNAL', err.stack ?? String(err), 70);
  } catch {
    // fatal throws by design
  }
});
