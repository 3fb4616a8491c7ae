// The request handler of the producer's AWS SDK clients (ListShards, CloudWatch, Glue): smithy's
// own undici handler, sending through our dispatcher, so those calls share the data path's TLS
// and proxy settings (Node's http agents cannot tunnel through a proxy). None of them is on the
// hot path: PutRecords is written and sent by hand.
import { UndiciHttpHandler } from '@smithy/undici-http-handler';
import type { Dispatcher } from 'undici';

type Handle = UndiciHttpHandler['handle'];

/**
 * A handler whose calls time out after `requestTimeout` milliseconds without headers or body
 * data. smithy's handler takes a timeout only per call, and the SDK clients give none.
 */
export function createSdkHttpHandler(
  dispatcher: Dispatcher,
  requestTimeout: number,
): UndiciHttpHandler {
  return new TimedHandler(dispatcher, requestTimeout);
}

class TimedHandler extends UndiciHttpHandler {
  constructor(
    dispatcher: Dispatcher,
    private readonly requestTimeout: number,
  ) {
    super({ dispatcher });
  }

  override handle(
    request: Parameters<Handle>[0],
    options: NonNullable<Parameters<Handle>[1]> = {},
  ): ReturnType<Handle> {
    return super.handle(request, {
      ...options,
      requestTimeout: options.requestTimeout ?? this.requestTimeout,
    });
  }
}
