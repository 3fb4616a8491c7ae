import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `condition` until it returns a truthy value and returns that value, or throws once
 * `timeoutMs` has passed. Errors thrown by `condition` count as "not yet"; the last one is quoted
 * in the timeout error. `giveUp` is checked before each poll: an Error it returns is thrown at once
 * (for example when the server being waited on has exited).
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; giveUp?: () => Error | undefined } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const fatal = opts.giveUp?.();
    if (fatal) throw fatal;
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await delay(intervalMs);
  }
}
