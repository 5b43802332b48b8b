import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
}

export interface Supervisor {
  /** Stops every child (SIGTERM, then SIGKILL after the grace period) and resolves when all have exited. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;
const GRACE_MS = 12_000;
/** A child that stayed up this long is healthy again: its next crash restarts it at once. */
const STABLE_AFTER_MS = 30_000;

/**
 * Runs each child as its own Node process (TypeScript through tsx) and restarts one that
 * exits unexpectedly, with exponential backoff, prefixing its output with its name.
 */
export function supervise(children: readonly ChildSpec[], log: (line: string) => void): Supervisor {
  const running = new Map<string, ChildProcess>();
  let stopping = false;

  const start = (spec: ChildSpec, backoffMs: number): void => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', spec.entry], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.set(spec.name, child);
    const prefix = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(`[${spec.name}] ${line}`);
    };
    child.stdout?.on('data', prefix);
    child.stderr?.on('data', prefix);
    child.on('exit', (code, signal) => {
      running.delete(spec.name);
      if (stopping) return;
      const next = Date.now() - startedAt > STABLE_AFTER_MS ? 0 : Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2));
      log(`[supervisor] ${spec.name} exited (${signal ?? `code ${code}`}); restarting in ${next} ms`);
      setTimeout(() => {
        if (!stopping) start(spec, next);
      }, next);
    });
  };

  for (const spec of children) start(spec, 0);

  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...running.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
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
