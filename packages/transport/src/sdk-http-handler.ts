// A request handler for the AWS SDK clients that sends through an undici dispatcher. The SDK's
// calls (ListShards, CloudWatch, Glue) then share the data path's TLS and proxy settings:
// Node's own http agents cannot tunnel through a proxy.
import type { Dispatcher } from 'undici';

/** The parts of a smithy HttpRequest the handler reads. */
interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export class UndiciHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly config: { requestTimeout: number },
  ) {}

  async handle(
    request: SdkRequest,
    options: { abortSignal?: unknown } = {},
  ): Promise<{ response: SdkResponse }> {
    const port = request.port ? `:${request.port}` : '';
    const query = queryString(request.query);
    try {
      const res = await this.dispatcher.request({
        origin: `${request.protocol}//${request.hostname}${port}`,
        path: query ? `${request.path}?${query}` : request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body as Dispatcher.DispatchOptions['body'],
        // smithy's own signal type may be a look-alike; undici needs the real thing.
        signal: options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined,
        headersTimeout: this.config.requestTimeout,
        bodyTimeout: this.config.requestTimeout,
      });
      // Control-plane answers are small: reading them whole keeps the SDK's parsing simple.
      const body = new Uint8Array(await res.body.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return { response: { statusCode: res.statusCode, headers, body } };
    } catch (err) {
      throw asSdkError(err);
    }
  }

  updateHttpClientConfig(key: 'requestTimeout', value: number): void {
    if (key === 'requestTimeout') this.config.requestTimeout = value;
  }

  httpHandlerConfigs(): { requestTimeout: number } {
    return this.config;
  }

  destroy(): void {
    void this.dispatcher.close();
  }
}

function queryString(query: SdkRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const v = query[key];
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) {
      parts.push(
        one === null || one === undefined ? uriEscape(key) : `${uriEscape(key)}=${uriEscape(one)}`,
      );
    }
  }
  return parts.join('&');
}

function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** undici's errors renamed the way the SDK's retry strategy recognises transient failures. */
function asSdkError(err: unknown): unknown {
  const e = err as Error & { code?: string };
  if (!e || typeof e !== 'object') return err;
  switch (e.code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      e.name = 'TimeoutError';
      break;
    case 'UND_ERR_SOCKET':
      e.code = 'ECONNRESET';
      break;
  }
  return e;
}
