// A Lambda function that publishes each item of its event. The producer (and its daemon) is
// made once per execution environment, outside the handler; each invocation flushes before it
// returns, because Lambda freezes the environment as soon as the handler returns and may never
// thaw it.
import { KinesisProducer } from 'kinesis-producer';

const STREAM = process.env.STREAM_NAME ?? 'events';

// Configuration from the function's environment, as Lambda gives it. KINESIS_ENDPOINT is only
// set when running locally; credentials come from the execution role (the default chain).
const producer = new KinesisProducer({
  region: process.env.AWS_REGION,
  kinesisEndpoint: process.env.KINESIS_ENDPOINT || undefined,
  recordMaxBufferedTime: 50,
  metricsLevel: 'none',
});

export interface ItemsEvent {
  items: { id: string; [field: string]: unknown }[];
}

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export async function handler(event: ItemsEvent, context: LambdaContext) {
  const results = event.items.map((item) =>
    producer.addUserRecord(STREAM, item.id, JSON.stringify(item)),
  );
  // Send now rather than after recordMaxBufferedTime, and stop waiting just before the
  // function's own timeout, so a stuck flush fails this invocation instead of timing it out.
  const margin = AbortSignal.timeout(Math.max(1, context.getRemainingTimeInMillis() - 500));
  await producer.flushSync({ signal: margin });
  // A record that failed fails the invocation: Lambda's retry sends the event again.
  const put = await Promise.all(results);
  return { published: put.length };
}
