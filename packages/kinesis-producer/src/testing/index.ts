// kinesis-producer/testing: run an application's tests against Kinesis on this machine.
export { EmulatorMissingError } from './embedded-kinesis.js';
export { TestKinesisError } from './kinesis-json.js';
export {
  type ProducedRecord,
  startTestKinesis,
  TestKinesis,
  type TestKinesisOptions,
} from './test-kinesis.js';
