// Measures what a slow endpoint costs: 5,000 records into kinesis-local (slow under load), then
// counts the attempts that timed out and the records stored more than once. Run once per daemon
// build to compare (docs/reliability.md has the figures):
//   tsx scripts/slow-endpoint-duplicates.ts [path of a daemon .cjs; default the bundled one]
import { KinesisProducer, UserRecordFailedError } from '../packages/kinesis-producer/src/index.js';
import type { Attempt } from '../packages/kinesis-producer/src/types.js';
import { createStream, startKinesisLocal } from '../test/support/emulators.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../test/support/kinesis-client.js';
import { payload } from '../test/support/producer.js';
import { deaggregateAll, listAllShards, readAllRecords } from '../test/support/read-back.js';
import { type SentRecord, verifyDelivery } from '../test/support/verify.js';

const RECORDS = 5000;
const STREAM = 'slow';

const emu = await startKinesisLocal();
try {
  await createStream(emu, STREAM, 4);
  const producer = new KinesisProducer({
    region: TEST_REGION,
    kinesisEndpoint: emu.endpoint,
    credentials: TEST_CREDENTIALS,
    nativeExecutable: process.argv[2] || undefined,
  });
  const sent: SentRecord[] = [];
  const attempts: Attempt[][] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: RECORDS }, (_, i) => {
      const rec: SentRecord = { partitionKey: `key-${i}`, data: payload(i, 100) };
      sent.push(rec);
      return producer.addUserRecord(STREAM, rec.partitionKey, rec.data).then(
        (r) => attempts.push([...r.attempts]),
        (err: unknown) => {
          failed++;
          if (err instanceof UserRecordFailedError) attempts.push([...err.result.attempts]);
        },
      );
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await producer.close();
  const timeouts = attempts.flat().filter((a) => a.errorCode === 'RequestTimeout').length;
  const found = deaggregateAll(await readAllRecords(emu.client, STREAM));
  const { duplicates } = verifyDelivery(sent, found, await listAllShards(emu.client, STREAM), {
    allowDuplicates: true,
  });
  process.stdout.write(
    `${JSON.stringify({ records: RECORDS, failed, requestTimeoutAttempts: timeouts, duplicates, seconds: Math.round(seconds) })}\n`,
  );
} finally {
  await emu.stop();
}
