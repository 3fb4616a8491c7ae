// The GSR bytes of one record. Compression runs in the wrapper (the daemon never sees schemas):
// synchronously for payloads up to SYNC_DEFLATE_LIMIT, where deflateSync costs tens of
// microseconds and a trip to the libuv pool would cost more than it saves; on the pool above it,
// where deflating a 1 MiB record would otherwise stall the event loop for milliseconds.
import { deflate } from 'node:zlib';
import { encodeGsrRecord, type GsrCompression, gsrHeader } from '@kinesis-producer/aggregation';

export const SYNC_DEFLATE_LIMIT = 64 * 1024;

/** The encoded record now when that is cheap, otherwise a promise of it. */
export function encodeRecord(
  schemaVersionId: string,
  data: Uint8Array,
  compression: GsrCompression,
): Buffer | Promise<Buffer> {
  if (compression === 'none' || data.byteLength <= SYNC_DEFLATE_LIMIT) {
    return encodeGsrRecord(schemaVersionId, data, compression);
  }
  const header = gsrHeader(schemaVersionId, compression);
  return new Promise((resolve, reject) => {
    deflate(data, (err, compressed) => {
      if (err) reject(err);
      else resolve(Buffer.concat([header, compressed]));
    });
  });
}
