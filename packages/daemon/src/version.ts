// Kept equal to the wrapper's package.json version (a test checks it); named in the User-Agent.
export const VERSION = '0.1.0';

export function userAgent(): string {
  return `kinesis-producer/${VERSION} node/${process.versions.node} ${process.platform}/${process.arch}`;
}
