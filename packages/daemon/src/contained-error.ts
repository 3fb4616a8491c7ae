// What a record's result says when handling it threw: the daemon fails the records concerned and
// keeps running, since exiting would fail every other record it holds (and the wrapper would send
// the same records to the next daemon, which they could end again).

/** Longest text of an error kept in an attempt or a log line. */
export const MAX_ERROR_TEXT = 1024;

/** Error text capped to MAX_ERROR_TEXT characters, saying how much was cut. */
export function capText(text: string, max = MAX_ERROR_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function describeError(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown } | undefined;
  const text =
    e && typeof e.message === 'string'
      ? `${typeof e.name === 'string' ? e.name : 'Error'}: ${e.message}`
      : String(err);
  return capText(text);
}
