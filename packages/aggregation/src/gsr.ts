// The AWS Glue Schema Registry (GSR) record format, as its serde writes and reads it:
//
//   03 | compression (00 none, 05 zlib) | schema version UUID (16 bytes, big-endian) | payload
//
// The payload is the user's serialized bytes (Avro, JSON or Protobuf), deflated in the zlib
// format (RFC 1950: a 2-byte header and an Adler-32 trailer) when the compression byte is 05,
// which is what java.util.zip.Deflater writes by default.
import { deflateSync, inflateSync } from 'node:zlib';

export const GSR_HEADER_VERSION = 3;
export const GSR_COMPRESSION_NONE = 0;
export const GSR_COMPRESSION_ZLIB = 5;
/** Version byte, compression byte and the 16-byte UUID. */
export const GSR_HEADER_SIZE = 18;

export type GsrCompression = 'none' | 'zlib';

export interface GsrRecord {
  /** The schema version's UUID, lower case with dashes, as Glue prints it. */
  schemaVersionId: string;
  /** How the payload travelled; `data` is always the uncompressed bytes. */
  compression: GsrCompression;
  data: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether bytes carry a GSR header: at least 18 bytes, version byte 3 and a known compression
 * byte. The same test the GSR deserializer makes before it decodes (anything else goes to its
 * secondary deserializer), so plain records that happen to start with 03 00 pass it too.
 */
export function isGsrRecord(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= GSR_HEADER_SIZE &&
    bytes[0] === GSR_HEADER_VERSION &&
    (bytes[1] === GSR_COMPRESSION_NONE || bytes[1] === GSR_COMPRESSION_ZLIB)
  );
}

/**
 * Splits a GSR record into its schema version and payload, inflating a zlib payload. Throws when
 * the bytes are not a GSR record or the compressed payload is corrupt. An uncompressed payload is
 * a view into `bytes`, not a copy.
 */
export function decodeGsrRecord(bytes: Uint8Array): GsrRecord {
  if (!isGsrRecord(bytes)) {
    const why =
      bytes.byteLength < GSR_HEADER_SIZE
        ? `it has ${bytes.byteLength} bytes, fewer than the ${GSR_HEADER_SIZE}-byte header`
        : bytes[0] !== GSR_HEADER_VERSION
          ? `its version byte is ${bytes[0]}, not ${GSR_HEADER_VERSION}`
          : `its compression byte is ${bytes[1]}, neither ${GSR_COMPRESSION_NONE} nor ${GSR_COMPRESSION_ZLIB}`;
    throw new Error(`Not a Glue Schema Registry record: ${why}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const compression: GsrCompression = buf[1] === GSR_COMPRESSION_ZLIB ? 'zlib' : 'none';
  const payload = buf.subarray(GSR_HEADER_SIZE);
  let data: Buffer;
  try {
    data = compression === 'zlib' ? inflateSync(payload) : payload;
  } catch (err) {
    throw new Error(
      `Glue Schema Registry record with a corrupt zlib payload: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { schemaVersionId: uuidText(buf.subarray(2, GSR_HEADER_SIZE)), compression, data };
}

/** The 18-byte header for a schema version, its UUID checked. */
export function gsrHeader(schemaVersionId: string, compression: GsrCompression): Buffer {
  if (!UUID.test(schemaVersionId)) {
    throw new Error(`Not a schema version UUID: ${JSON.stringify(schemaVersionId)}`);
  }
  const header = Buffer.allocUnsafe(GSR_HEADER_SIZE);
  header[0] = GSR_HEADER_VERSION;
  header[1] = compression === 'zlib' ? GSR_COMPRESSION_ZLIB : GSR_COMPRESSION_NONE;
  // The UUID's text is its 128 bits in big-endian order, the order Java's
  // ByteBuffer.putLong(most), putLong(least) writes them.
  header.write(schemaVersionId.replaceAll('-', ''), 2, 16, 'hex');
  return header;
}

/**
 * A GSR record for already serialized `data`, compressed synchronously when asked. Callers that
 * compress large payloads off the event loop use gsrHeader() and deflate themselves.
 */
export function encodeGsrRecord(
  schemaVersionId: string,
  data: Uint8Array,
  compression: GsrCompression = 'none',
): Buffer {
  const header = gsrHeader(schemaVersionId, compression);
  const payload = compression === 'zlib' ? deflateSync(data) : data;
  return Buffer.concat([header, payload]);
}

function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
