import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  /** Entry file, relative to the repository root (TypeScript or JavaScript; run through tsx). */
  entry: string;
  env: Record<string, string>;
}

export interface ChildStatus {
  name: string;
  /** The running process, undefined while it waits to be restarted. */
  pid: number | undefined;
  restarts: number;
}

export interface Supervisor {
  status(): ChildStatus[];
  /** Stops every child (SIGTERM, then SIGKILL after the grace period) and resolves when all have exited. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** How long a child may take to shut down after SIGTERM before it is killed. */
  graceMs?: number;
  /** A child that stayed up this long is healthy again: its next crash restarts it quickly. */
  stableAfterMs?: number;
  /** Rewrites each line a child writes (prettyLines for a terminal); unchanged by default. */
  formatLine?: (line: string) => string;
}

/** Stops a child whose supervisor died (same extension as this file: .ts under tsx, .js compiled). */
const EXIT_WITH_PARENT = new URL(
  `./exit-with-parent${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
).href;

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/**
 * Runs each child as its own Node process (TypeScript through tsx) and restarts one that
 * exits unexpectedly, with exponential backoff (250 ms doubling to 10 s, back to the start
 * once it has stayed up), prefixing its output with its name.
 */
export function supervise(
  children: readonly ChildSpec[],
  log: (line: string) => void,
  options: SuperviseOptions = {},
): Supervisor {
  const graceMs = options.graceMs ?? 12_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const formatLine = options.formatLine ?? ((line: string) => line);
  const running = new Map<string, ChildProcess>();
  const restarts = new Map<string, number>(children.map((c) => [c.name, 0]));
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let stopping = false;

  const start = (spec: ChildSpec, backoffMs: number): void => {
    const startedAt = Date.now();
    const child = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', '--import', EXIT_WITH_PARENT, spec.entry],
      {
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: Ctrl-C in the terminal signals the foreground group, and a child
        // in it would start its shutdown on that SIGINT and take the supervisor's SIGTERM that
        // follows for a second signal (exit without draining). Only the supervisor stops children;
        // exit-with-parent stops them if the supervisor dies.
        detached: true,
      },
    );
    running.set(spec.name, child);
    log(`[supervisor] ${spec.name} started (pid ${child.pid})`);
    // Whole lines only: a chunk may end inside a JSON line, and half a line cannot be formatted.
    const prefixLines = (): ((chunk: Buffer) => void) => {
      let partial = '';
      return (chunk) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) log(`[${spec.name}] ${formatLine(line)}`);
      };
    };
    child.stdout?.on('data', prefixLines());
    child.stderr?.on('data', prefixLines());
    child.on('error', (error) => log(`[supervisor] ${spec.name}: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (running.get(spec.name) === child) running.delete(spec.name);
      if (stopping) {
        log(`[supervisor] ${spec.name} stopped (${signal ?? `code ${code}`})`);
        return;
      }
      // Never 0: a crash loop must not spin.
      const next =
        Date.now() - startedAt > stableAfterMs
          ? MIN_BACKOFF_MS
          : Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
      log(`[supervisor] ${spec.name} exited (${signal ?? `code ${code}`}); restarting in ${next} ms`);
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        if (stopping) return;
        restarts.set(spec.name, (restarts.get(spec.name) ?? 0) + 1);
        start(spec, next);
      }, next);
      pendingRestarts.add(timer);
    });
  };

  for (const spec of children) start(spec, 0);

  return {
    status: () =>
      children.map((c) => ({ name: c.name, pid: running.get(c.name)?.pid, restarts: restarts.get(c.name) ?? 0 })),
    async stop() {
      stopping = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      pendingRestarts.clear();
      await Promise.all(
        [...running.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
