import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `npm run events` the way npm does (node + tsx on the TypeScript entry), as a child process. */
const CLI = fileURLToPath(new URL('../../src/events/main.ts', import.meta.url));

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to its end. */
export function runEventsCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliExit> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export interface RunningCli {
  /** Complete stdout lines so far. */
  lines(): string[];
  /** Resolves once `count` lines arrived; rejects after `timeoutMs` or when the CLI exits first. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  /** Ctrl-C: SIGINT, then the exit. */
  interrupt(): Promise<CliExit>;
  kill(): void;
}

/** Starts the CLI and leaves it running (for --follow). */
export function startEventsCli(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((w) => w());
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliExit>((resolve) =>
    child.once('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
      notify();
    }),
  );
  const lines = (): string[] => stdout.split('\n').slice(0, -1);
  return {
    lines,
    waitForLines: (count, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (lines().length >= count) done(() => resolve(lines()));
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(() =>
              reject(
                new Error(
                  `the CLI exited with ${child.exitCode ?? child.signalCode} after ${lines().length} lines: ${stderr}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${lines().length} of ${count} lines after ${timeoutMs} ms: ${stderr}`))),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
