import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a request's signature was refused, as Kinesis would say it. */
export interface SignatureRejection {
  type: string;
  message: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Checks an AWS Signature Version 4 Authorization header against known secrets, independently of
 * the SDK's signer (so a signer bug cannot hide itself). Returns undefined when the signature holds.
 */
export function checkSigV4(
  req: { method?: string; url?: string; headers: IncomingHttpHeaders },
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
  region: string,
  service = 'kinesis',
): SignatureRejection | undefined {
  const auth = req.headers.authorization;
  if (!auth)
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  if (!auth.startsWith(`${ALGORITHM} `)) {
    return {
      type: 'IncompleteSignatureException',
      message: `Unsupported algorithm in ${auth.split(' ')[0]}`,
    };
  }
  const fields = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const amzDate = header(req.headers, 'x-amz-date');
  if (credential?.length !== 5 || !signedHeaders || !signature || !amzDate) {
    return {
      type: 'IncompleteSignatureException',
      message: 'Authorization header requires Credential, SignedHeaders, Signature and X-Amz-Date.',
    };
  }
  const [accessKeyId, date, scopeRegion, scopeService, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) {
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  if (scopeRegion !== region || scopeService !== service || terminator !== 'aws4_request') {
    return {
      type: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region and service: ${credential.slice(1).join('/')}`,
    };
  }

  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${(header(req.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // The body's own hash, not the x-amz-content-sha256 header, so a changed body cannot pass.
  const declared = header(req.headers, 'x-amz-content-sha256');
  const payloadHash = declared === 'UNSIGNED-PAYLOAD' ? declared : sha256(body);
  const canonicalRequest = [
    req.method ?? 'POST',
    path,
    canonicalQuery(query),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secret}`, date);
  for (const part of [scopeRegion, scopeService, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected === signature) return undefined;
  return {
    type: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. ' +
      'Check your AWS Secret Access Key and signing method.',
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .map((p) => {
      const [k = '', v = ''] = p.split('=', 2);
      return [encode(decodeURIComponent(k)), encode(decodeURIComponent(v))] as const;
    })
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** SigV4 accepts a request dated at most this far from the service's clock. */
const SIGNING_TOLERANCE_MS = 5 * 60_000;

/**
 * Refuses a request whose X-Amz-Date is more than 5 minutes from `now` (the server's clock, ms),
 * with the error and wording Kinesis uses.
 */
export function checkSigningTime(
  req: { headers: IncomingHttpHeaders },
  now: number,
): SignatureRejection | undefined {
  const amzDate = header(req.headers, 'x-amz-date') ?? '';
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  const signed = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]|\.\d{3}/g, '');
  if (signed < now - SIGNING_TOLERANCE_MS) {
    return {
      type: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now earlier than ${stamp(now - SIGNING_TOLERANCE_MS)} (${stamp(now)} - 5 min.)`,
    };
  }
  if (signed > now + SIGNING_TOLERANCE_MS) {
    return {
      type: 'InvalidSignatureException',
      message: `Signature not yet current: ${amzDate} is still later than ${stamp(now + SIGNING_TOLERANCE_MS)} (${stamp(now)} + 5 min.)`,
    };
  }
  return undefined;
}
