// Monotonic milliseconds for deadlines and durations. Wall-clock time never enters this
// arithmetic, so a clock step cannot expire records or stretch their lifetime.
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();
