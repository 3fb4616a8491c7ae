// A parent process for orphan tests, run with `node --import tsx`: starts a producer against
// the endpoint in argv[2], keeps a record outstanding, prints its daemon's pid and waits to be
// killed.
import { KinesisProducer } from '../../packages/kinesis-producer/src/index.js';
import { TEST_CREDENTIALS, TEST_REGION } from './kinesis-client.js';

const producer = new KinesisProducer({
  region: TEST_REGION,
  kinesisEndpoint: process.argv[2],
  credentials: TEST_CREDENTIALS,
  recordMaxBufferedTime: 600_000,
  recordTtl: 600_000,
});
void producer.addUserRecord('s', 'pk', 'held in the daemon').catch(() => {});
const { pid } = (producer as unknown as { channel: { pid: number } }).channel;
process.stdout.write(`daemon ${pid}\n`);
setInterval(() => {}, 60_000);
