export type { CredentialIdentity, CredentialsProvider } from './credentials.js';
export {
  BufferFullError,
  DaemonExitedError,
  InvalidOptionError,
  KinesisProducerError,
  ProducerDestroyedError,
  ProtocolError,
  UserRecordFailedError,
  ValidationError,
} from './errors.js';
export type { KinesisProducerOptions, Logger } from './options.js';
export { KinesisProducer } from './producer.js';
export type { Attempt, UserRecord, UserRecordResult } from './types.js';
