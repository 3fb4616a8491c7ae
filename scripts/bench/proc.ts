// What the benchmark reads about other processes: CPU time and peak memory from /proc (Linux),
// and how it runs its helper processes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User plus system CPU time of a process, in microseconds (resolution: one clock tick). */
export function cpuMicrosOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name may hold spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / clockTicks();
}

/** Peak resident set size of a process, in KiB. */
export function peakRssKiBOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /VmHWM:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) : 0;
}

/**
 * Time a process's main thread spent runnable but waiting for a CPU, in ms: when it is a large
 * share of the run, the machine was busy with something else and the numbers are low.
 */
export function runQueueWaitMsOf(pid: number | 'self'): number {
  try {
    const fields = readFileSync(`/proc/${pid}/schedstat`, 'latin1').trim().split(' ');
    return Number(fields[1]) / 1e6;
  } catch {
    return 0;
  }
}

/** Wall-clock epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const ROOT = new URL('../../', import.meta.url).pathname;

let childNode = process.execPath;

/**
 * The Node binary every measured process runs on from now on (the user's process, and so the
 * daemon it spawns; the daemon alone): `pnpm bench -- --node=<path>` compares two releases.
 */
export function useNode(path: string): void {
  childNode = path;
}

export function nodeBinary(): string {
  return childNode;
}

/** `node --version` of a binary. */
export function nodeVersionOf(path: string): string {
  return execFileSync(path, ['--version']).toString().trim();
}

/** A TypeScript script run on this Node through tsx, talking in lines on stdout. */
export interface ScriptChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the first stdout line that starts with `prefix` (the prefix removed). */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  send(line: string): void;
  /** Closes stdin (the scripts exit then) and waits for the exit. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export function runScript(
  script: string,
  args: string[],
  opts: { nodeArgs?: string[]; quietStderr?: boolean; node?: string } = {},
): ScriptChild {
  const child = spawn(
    opts.node ?? childNode,
    [...(opts.nodeArgs ?? []), '--import', 'tsx', script, ...args],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', opts.quietStderr ? 'ignore' : 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  live.add(child);
  const waiters: { prefix: string; resolve(s: string): void }[] = [];
  const seen: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const i = waiters.findIndex((w) => l.startsWith(w.prefix));
    if (i >= 0) {
      const [w] = waiters.splice(i, 1);
      w!.resolve(l.slice(w!.prefix.length));
    } else seen.push(l);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  return {
    child,
    pid: child.pid!,
    exited,
    line(prefix, timeoutMs = 600_000) {
      const earlier = seen.findIndex((l) => l.startsWith(prefix));
      if (earlier >= 0) return Promise.resolve(seen.splice(earlier, 1)[0]!.slice(prefix.length));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no "${prefix}" line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          prefix,
          resolve: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
        });
        void exited.then((code) =>
          reject(new Error(`${script} exited (code ${code}) before printing "${prefix}"`)),
        );
      });
    },
    send(line) {
      child.stdin!.write(`${line}\n`);
    },
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});
