// The Glue client package, loaded on first use. It is an optional peer dependency: only producers
// that send records with a schema need it, so an application installs it itself.
import { MissingDependencyError } from '../errors.js';

const PACKAGE = '@aws-sdk/client-glue';

type GlueSdk = typeof import('@aws-sdk/client-glue');

let loading: Promise<GlueSdk> | undefined;

export function loadGlueSdk(): Promise<GlueSdk> {
  loading ??= import('@aws-sdk/client-glue').catch((err: unknown) => {
    // Installed later (in a long-running process) it is found on the next record.
    loading = undefined;
    if (!isMissing(err)) throw err;
    throw new MissingDependencyError(PACKAGE, 'Records with a schema (the Glue Schema Registry)', {
      cause: err,
    });
  });
  return loading;
}

function isMissing(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(PACKAGE)
  );
}
