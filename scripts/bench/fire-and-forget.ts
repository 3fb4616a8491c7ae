// The producer's fire-and-forget API as the bench uses it: put() and putMany() take records
// without a promise each, and failures go to an onPutFailure listener. Kept in one place so the
// matrix can say "not available" for a build of the producer that does not have it, instead of
// failing.
import type { KinesisProducer } from '../../packages/kinesis-producer/dist/index.js';
import type { BenchRecord } from './clients.js';

export interface FireAndForget {
  put(partitionKey: string, data: Buffer): void;
  /** Every record taken, waiting for capacity when the producer takes only some. */
  putMany(records: BenchRecord[]): Promise<void>;
}

/** The API's methods, as this build of the producer has them (undefined: it has none). */
interface Api {
  put(stream: string, partitionKey: string, data: Buffer): void;
  /** How many records were taken, from the first. */
  putMany(stream: string, records: BenchRecord[]): number;
  onPutFailure(listener: (err: Error) => void): () => void;
  waitForCapacity(): Promise<void>;
}

function apiOf(producer: object): Api | undefined {
  const p = producer as Partial<Api>;
  return typeof p.putMany === 'function' && typeof p.onPutFailure === 'function'
    ? (p as Api)
    : undefined;
}

/** Why the fire-and-forget cells cannot run with this build, or undefined when they can. */
export function fireAndForgetMissing(proto: object): string | undefined {
  return apiOf(proto)
    ? undefined
    : 'not available: this build of KinesisProducer has no put()/putMany()';
}

export function fireAndForgetOf(
  producer: KinesisProducer,
  stream: string,
  onFailure: () => void,
): FireAndForget {
  const api = apiOf(producer);
  if (!api) throw new Error(fireAndForgetMissing(producer));
  // A listener is what an application registers; without one flushSync() would reject instead.
  api.onPutFailure(onFailure);
  return {
    put: (key, data) => api.put(stream, key, data),
    async putMany(records) {
      let taken = api.putMany(stream, records);
      while (taken < records.length) {
        await api.waitForCapacity();
        taken += api.putMany(stream, records.slice(taken));
      }
    },
  };
}
