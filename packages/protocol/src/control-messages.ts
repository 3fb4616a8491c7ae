// The control messages, one builder each, so that both sides spell a message the same way and
// a reader finds every kind of message the wrapper and the daemon exchange in one place.
// Records and their results are not here: they go through the hand-written hot codec.
import { create } from '@bufbuild/protobuf';
import type { Configuration } from './gen/config_pb.js';
import {
  type Message,
  MessageSchema,
  type MetricsResponse,
  MetricsResponseSchema,
} from './gen/messages_pb.js';

/** The first frame the wrapper sends. */
export function configurationMessage(configuration: Configuration): Message {
  return create(MessageSchema, {
    id: 0n,
    actualMessage: { case: 'configuration', value: configuration },
  });
}

/** One set of credentials, for Kinesis or (`forMetrics`) for CloudWatch. */
export function setCredentialsMessage(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  forMetrics: boolean,
): Message {
  return create(MessageSchema, {
    id: 0n,
    actualMessage: {
      case: 'setCredentials',
      value: {
        forMetrics,
        credentials: {
          akid: credentials.accessKeyId,
          secretKey: credentials.secretAccessKey,
          token: credentials.sessionToken || undefined,
        },
      },
    },
  });
}

/** Sends what is buffered for one stream, or for all of them without a name. */
export function flushMessage(streamName?: string): Message {
  return create(MessageSchema, { id: 0n, actualMessage: { case: 'flush', value: { streamName } } });
}

/** Asks for one metric (or all), over the last `seconds` (or all the daemon keeps). */
export function metricsRequestMessage(id: bigint, name?: string, seconds?: bigint): Message {
  return create(MessageSchema, {
    id,
    actualMessage: { case: 'metricsRequest', value: { name, seconds } },
  });
}

/** The answer to request `sourceId`; no response yet means no metrics yet. */
export function metricsResponseMessage(
  id: bigint,
  sourceId: bigint,
  response: MetricsResponse | undefined,
): Message {
  return create(MessageSchema, {
    id,
    sourceId,
    actualMessage: {
      case: 'metricsResponse',
      value: response ?? create(MetricsResponseSchema),
    },
  });
}

/** A stream's id, which the daemon then sends with every request for that stream. */
export function streamMetadataMessage(streamName: string, streamId: string): Message {
  return create(MessageSchema, {
    id: 0n,
    actualMessage: { case: 'streamMetadata', value: { streamName, streamId } },
  });
}

/** The last frame of a daemon that exits on an error (codes in `FatalCode`). */
export function fatalErrorMessage(code: string, message: string): Message {
  return create(MessageSchema, {
    id: 0n,
    actualMessage: { case: 'fatalError', value: { code, message } },
  });
}
