// The daemon's only log channel is stderr, one line per event: `<level> <message>`.
// The wrapper reads the level word to route the line to the user's logger.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

let threshold = RANK.info;

export function setLogLevel(level: string): void {
  const name = level === 'warning' ? 'warn' : level;
  threshold = RANK[name as LogLevel] ?? RANK.info;
}

export function enabled(level: LogLevel): boolean {
  return RANK[level] >= threshold;
}

function write(level: LogLevel, message: string): void {
  if (RANK[level] < threshold) return;
  // One line per event: newlines inside a message would split it on the reader's side.
  process.stderr.write(`${level} ${message.replace(/\r?\n/g, ' | ')}\n`);
}

export const log = {
  trace: (m: string) => write('trace', m),
  debug: (m: string) => write('debug', m),
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
  fatal: (m: string) => write('fatal', m),
};
