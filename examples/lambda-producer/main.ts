// Runs the Lambda producer as Lambda would: the module loaded once, the handler invoked for a few
// events one after another, then the environment frozen (here: the process exits at once,
// without closing the producer). Whatever the handler did not flush before returning would be
// lost; every record is there.
//
//   pnpm -C examples lambda-producer
import { localKinesis } from '../lib/local-kinesis.js';

const STREAM = process.env.STREAM_NAME ?? 'events';
const INVOCATIONS = 5;
const ITEMS = 40;

const kinesis = await localKinesis({ [STREAM]: 2 });
// What Lambda would set; the placeholders only work locally.
process.env.STREAM_NAME = STREAM;
process.env.AWS_REGION = kinesis.region;
process.env.KINESIS_ENDPOINT = kinesis.endpoint;
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
const { handler } = await import('./handler.js');

for (let n = 0; n < INVOCATIONS; n++) {
  const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `item-${n}-${i}`, n, i }));
  const deadline = Date.now() + 30_000;
  const out = await handler({ items }, { getRemainingTimeInMillis: () => deadline - Date.now() });
  console.log(`invocation ${n}: ${JSON.stringify(out)}`);
}
if (kinesis.readRecords) {
  console.log(`${(await kinesis.readRecords(STREAM)).length} records in ${STREAM}`);
}
await kinesis.stop();
// The environment is frozen: nothing after the last return runs.
process.exit(0);
