// The user's logger behind the producer's threshold, and the route of the daemon's stderr lines
// into it. Methods are bound, so pino, winston and console all work as they are.
import type { Logger } from '@kinesis-producer/options';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
const LEVELS = Object.keys(RANK) as Level[];

/** With no logger given: warnings and errors become process warnings, the rest is dropped. */
export const quietLogger: Logger = {
  warn: (m: string) => process.emitWarning(m),
  error: (m: string) => process.emitWarning(m),
};

/** `logger` without the levels under `threshold` ('warning' is the KPL's name for 'warn'). */
export function leveled(logger: Logger, threshold: string): Logger {
  const name = threshold === 'warning' ? 'warn' : threshold;
  const min = Object.hasOwn(RANK, name) ? RANK[name as Level] : RANK.info;
  const out: Logger = {};
  for (const level of LEVELS) {
    const f = logger[level];
    if (typeof f === 'function' && RANK[level] >= min) out[level] = f.bind(logger);
  }
  return out;
}

/**
 * One daemon stderr line (`<level> <message>`, see the daemon's log.ts) to the logger at that
 * level. The daemon already applied the same threshold; 'fatal' and anything unknown are errors.
 */
export function forwardDaemonLine(logger: Logger, line: string): void {
  const space = line.indexOf(' ');
  const word = space > 0 ? line.slice(0, space) : '';
  const known = Object.hasOwn(RANK, word);
  const level: Level = known ? (word as Level) : 'error';
  const text = known || word === 'fatal' ? line.slice(space + 1) : line;
  logger[level]?.(`kinesis-producer daemon: ${text}`);
}
