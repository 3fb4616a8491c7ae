export * from './contract.js';
export * from './control-messages.js';
export { FrameDecoder } from './frame-decoder.js';
export { FrameWriter, type FrameWriterOptions } from './frame-writer.js';
export { FRAME_HEADER_SIZE, FrameError, type FrameErrorCode, MAX_FRAME_SIZE } from './frames.js';
export * from './gen/config_pb.js';
export * from './gen/messages_pb.js';
export * from './hot-codec.js';
export {
  isStreamArn,
  parseStreamArn,
  STREAM_ARN_FORM,
  type StreamArn,
  streamArnProblem,
  streamNameOf,
} from './stream-arn.js';
