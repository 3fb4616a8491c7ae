export type {
  CredentialIdentity,
  CredentialsOption,
  CredentialsProvider,
  KinesisProducerOptions,
  Logger,
  SchemaCompatibility,
  SchemaRegistryOptions,
} from '@kinesis-producer/options';
export {
  loadPropertiesFile,
  optionsFromProperties,
  type PropertiesOptions,
  parseProperties,
} from '@kinesis-producer/options';
export type { AbortOptions } from './abort.js';
export {
  BufferFullError,
  DaemonExitedError,
  InvalidOptionError,
  KinesisProducerError,
  MissingDependencyError,
  PoisonRecordError,
  ProducerClosedError,
  ProducerDestroyedError,
  ProtocolError,
  SchemaRegistryError,
  UnhandledPutFailuresError,
  UserRecordFailedError,
  UserRecordTimeoutError,
  ValidationError,
} from './errors.js';
export type {
  CredentialsErrorEvent,
  DaemonExitEvent,
  DaemonRestartEvent,
  KinesisProducerEvents,
  RecordsResubmittedEvent,
  ThrottlingEndedEvent,
  ThrottlingEvent,
} from './lifecycle-events.js';
export type { Metric, MetricsObserverOptions, MetricsSnapshot } from './metrics-client.js';
export { KinesisProducer } from './producer.js';
export type { PutFailure, PutFailureListener, PutSuccessListener } from './put-outcomes.js';
export type { Attempt, PutEntry, Schema, UserRecord, UserRecordResult } from './types.js';
export type {
  ProducerWritable,
  ProducerWritableOptions,
  WritableChunk,
} from './writable.js';
