// The records producer-script.ts hands to its daemon in `buffered` mode, so that the test which
// kills the script knows exactly what must arrive.
export const BUFFERED_COUNT = 1000;

export function bufferedRecord(i: number): { partitionKey: string; data: Buffer } {
  return {
    partitionKey: `key-${i}`,
    data: Buffer.from(`buffered record ${i} `.repeat(1 + (i % 7))),
  };
}
