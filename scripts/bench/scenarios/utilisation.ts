// Shard utilisation against the rate-limited fake: accepted records per shard, throttling.
import type { KinesisProducerOptions } from '../../../packages/kinesis-producer/dist/index.js';
import type { ClientKind } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { log, runUser, startEndpoint } from '../harness.js';
import { KEY_LENGTH } from '../workload.js';

export interface UtilisationRow {
  client: ClientKind;
  /** Which settings, when one client runs with several. */
  variant?: 'default' | 'kpl';
  shards: number;
  offered: number;
  /** Successful user records per second and shard while records were offered. */
  perShard: number;
  /** Share of the Kinesis records sent (retries included) that the fake refused as throttled. */
  throttledPercent: number;
  kinesisRecordsPerShard: number;
  /** Bytes the fake accepted per second and shard, as a share of its 1 MiB/s limit. */
  byteUtilisationPercent: number;
  failed: number;
}

const UTILISATION_SHARDS = 4;

export async function utilisation(cfg: BenchConfig): Promise<UtilisationRow[]> {
  const rows: UtilisationRow[] = [];
  // Capacity per shard: 1000 records/s for plain records; with aggregation, 1 MiB/s divided by
  // what a 100 B record costs inside an aggregate (data, its key in the key table, framing).
  const aggregatedCost = 100 + KEY_LENGTH + 8;
  const capacity: Record<string, number> = {
    producer: (UTILISATION_SHARDS * 1_048_576) / aggregatedCost,
    sdk: UTILISATION_SHARDS * 1000,
  };
  // The producer runs twice: as shipped (backoff, adaptive rate limit) and with the KPL's timing.
  const runs: [ClientKind, 'default' | 'kpl', KinesisProducerOptions | undefined][] = [
    ['producer', 'default', undefined],
    ['producer', 'kpl', { retryBackoff: false, adaptiveRateLimit: false }],
    ['sdk', 'default', undefined],
  ];
  for (const [client, variant, producerOptions] of runs) {
    const fake = await startEndpoint('scripts/bench/fake-kinesis-server.ts', UTILISATION_SHARDS);
    try {
      const offered = Math.round(2 * capacity[client]!);
      log(
        `shard utilisation: ${client} (${variant}) offering ${offered} records/s for ${cfg.utilisationSeconds} s`,
      );
      type FakeStats = {
        entries: number;
        throttledEntries: number;
        acceptedEntries: number;
        bytesAccepted: number;
      };
      let before: FakeStats | undefined;
      let after: FakeStats | undefined;
      const r = await runUser(
        {
          client,
          endpoint: fake.url,
          stream: 's',
          recordSize: 100,
          mode: 'paced',
          rate: offered,
          seconds: cfg.utilisationSeconds,
          warmupSeconds: cfg.utilisationWarmupSeconds,
          retryThrottled: true,
          producerOptions,
        },
        [],
        {
          start: async () => (before = (await fake.stats()) as FakeStats),
          end: async () => (after = (await fake.stats()) as FakeStats),
        },
      );
      const entries = after!.entries - before!.entries;
      const throttled = after!.throttledEntries - before!.throttledEntries;
      const accepted = after!.acceptedEntries - before!.acceptedEntries;
      const bytes = after!.bytesAccepted - before!.bytesAccepted;
      rows.push({
        client,
        variant,
        shards: UTILISATION_SHARDS,
        offered,
        perShard: r.okWhileOffering / r.offerSeconds / UTILISATION_SHARDS,
        throttledPercent: entries > 0 ? (100 * throttled) / entries : 0,
        kinesisRecordsPerShard: accepted / r.offerSeconds / UTILISATION_SHARDS,
        byteUtilisationPercent: (100 * bytes) / r.offerSeconds / UTILISATION_SHARDS / 1_048_576,
        failed: r.failed,
      });
    } finally {
      await fake.stop();
    }
  }
  return rows;
}
