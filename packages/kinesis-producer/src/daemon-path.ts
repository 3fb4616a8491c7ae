// Where the bundled daemon lives: next to this module once published (dist/), or in the
// package's dist/ when running from source.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function bundledDaemonPath(): string {
  const candidates = ['./daemon.cjs', '../dist/daemon.cjs'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `The kinesis-producer daemon bundle is missing (looked in ${candidates.join(', ')}); build it with "pnpm build".`,
    );
  }
  return found;
}
