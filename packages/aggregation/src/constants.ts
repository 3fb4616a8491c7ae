/** The four bytes an aggregated record starts with. Shared: do not write into it. */
export const MAGIC: Buffer = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** Bytes an aggregated record adds around its protobuf: the magic and the 16-byte MD5. */
export const AGGREGATION_OVERHEAD = 20;

export const MD5_LENGTH = 16;

/** Views the bytes as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
