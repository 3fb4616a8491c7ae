import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GUARD = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));
const TAIL_BYTES = 8192;

/** Children still running; killed synchronously if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A node script run as a server child of the test process. */
export interface ServerChild {
  readonly pid: number | undefined;
  /** Set once the child has exited: how it ended ("exit code 1", "signal SIGTERM"). */
  readonly exitReason: string | undefined;
  /** The last few KiB the child wrote to stdout and stderr, for error messages. */
  outputTail(): string;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

export function spawnNodeServer(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): ServerChild {
  installExitHook();
  const child = spawn(process.execPath, ['--require', GUARD, script, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let tail = '';
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `signal ${signal}` : `exit code ${code}`;
      live.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      exitReason ??= `spawn error: ${err.message}`;
      live.delete(child);
      resolve();
    });
  });

  return {
    pid: child.pid,
    get exitReason() {
      return exitReason;
    },
    outputTail: () => tail,
    async stop() {
      if (exitReason === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
    },
  };
}

/** Whether a process of that pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
