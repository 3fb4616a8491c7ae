// The embedded Kinesis behind kinesis-producer/testing: kinesalite, in this process, on a free
// port of 127.0.0.1. kinesalite is an optional peer dependency: only applications that use this
// entry install it, and one that has not gets an error that says what to install.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisProducerError } from '../errors.js';

/** kinesis-producer/testing was used without kinesalite installed. */
export class EmulatorMissingError extends KinesisProducerError {
  constructor(
    readonly packageName: string,
    cause: unknown,
  ) {
    super(
      'ERR_EMULATOR_MISSING',
      `kinesis-producer/testing runs Kinesis locally with the ${packageName} package, which is not installed: add it to your devDependencies (npm install --save-dev ${packageName})`,
      { cause },
    );
  }
}

interface KinesaliteOptions {
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  shardLimit: number;
}
type Kinesalite = (options: KinesaliteOptions) => Server;

/** Loads the emulator; `packageName` is a parameter so the missing case can be exercised. */
export async function loadKinesalite(packageName = 'kinesalite'): Promise<Kinesalite> {
  try {
    const loaded = (await import(packageName)) as { default: Kinesalite };
    return loaded.default;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new EmulatorMissingError(packageName, error);
    }
    throw error;
  }
}

export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startKinesalite(packageName?: string): Promise<RunningEmulator> {
  const kinesalite = await loadKinesalite(packageName);
  // Streams become ACTIVE at once: tests wait on nothing but their own records.
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of producers and readers would hold close() open.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
