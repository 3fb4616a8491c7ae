// Monotonic milliseconds for deadlines and durations. Wall-clock time never enters this
// arithmetic, so a clock step cannot expire records or stretch their lifetime.
import { performance } from 'node:perf_hooks';

// Whole milliseconds: every record keeps a few of these (arrival, deadline, expiration), and V8
// stores an integer in the object itself but a fraction as an extra heap object, one more for
// the young-generation GC to copy per record in flight. Timers have millisecond resolution anyway.
export const now = (): number => Math.floor(performance.now());
