// AbortSignal handling shared by the producer's waiting calls. They reject with the signal's
// reason, as Node's own APIs and fetch do (an AbortError DOMException unless the caller gave
// another reason, a TimeoutError for AbortSignal.timeout()).
import { ValidationError } from './errors.js';

/** Options of a call that can be given up on. */
export interface AbortOptions {
  /** Stops waiting: the call rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** The caller's signal, checked: a typed error at the call site for anything else. */
export function checkedSignal(
  call: string,
  options: AbortOptions | undefined,
): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(`${call} options`, options, 'an object such as { signal }');
  }
  const { signal } = options;
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new ValidationError(`${call} options.signal`, signal, 'an AbortSignal or undefined');
}

/**
 * Settles as `wait` does, or rejects with the signal's reason when it aborts first (at once if
 * it already has). `onAbort` undoes what waiting left behind; the listener is removed either way.
 */
export function raceAbort<T>(
  wait: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return wait;
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = () => {
      onAbort?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', aborted, { once: true });
    wait.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(error);
      },
    );
  });
}
