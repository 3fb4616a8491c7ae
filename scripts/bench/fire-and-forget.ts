// The producer's fire-and-forget API as the bench uses it: records taken without a promise
// each, failures reported to a listener. Kept in one place so the matrix can say "not
// available" for a build of the producer that does not have it yet, instead of failing.
import type { KinesisProducer } from '../../packages/kinesis-producer/dist/index.js';
import type { BenchRecord } from './clients.js';

export interface FireAndForget {
  put(partitionKey: string, data: Buffer): void;
  putMany(records: BenchRecord[]): void;
}

/** The API's methods, as this build of the producer has them (undefined: it has none). */
interface Api {
  put(stream: string, partitionKey: string, data: Buffer): void;
  putMany(stream: string, records: BenchRecord[]): void;
  on(event: 'recordFailed', listener: (...args: unknown[]) => void): unknown;
}

function apiOf(producer: object): Api | undefined {
  const p = producer as Partial<Api>;
  return typeof p.putMany === 'function' && typeof p.on === 'function' ? (p as Api) : undefined;
}

/** Why the fire-and-forget cells cannot run with this build, or undefined when they can. */
export function fireAndForgetMissing(proto: object): string | undefined {
  return apiOf(proto)
    ? undefined
    : 'not available: this build of KinesisProducer has no fire-and-forget API';
}

export function fireAndForgetOf(
  producer: KinesisProducer,
  stream: string,
  onFailure: () => void,
): FireAndForget {
  const api = apiOf(producer);
  if (!api) throw new Error(fireAndForgetMissing(producer));
  api.on('recordFailed', onFailure);
  return {
    put: (key, data) => api.put(stream, key, data),
    putMany: (records) => api.putMany(stream, records),
  };
}
