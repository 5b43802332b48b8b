import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  url: string;
  /** SIGTERM (graceful), and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing finishes. */
  kill(): Promise<void>;
  output(): string;
}

/**
 * Starts a service's main.ts as its own Node process (as `npm start` does) and waits until its
 * /ready answers 200. The environment is this process's plus `env`. For tests that run the
 * services as processes (end to end, crash and restart).
 */
export async function startService(entry: string, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const service = { url, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), output: () => output };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return service;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop();
  throw new Error(`${entry} was not ready within 30 s:\n${output}`);
}

/**
 * `startService`, tried again when the process was merely slow to become ready: on a machine
 * shared by many test runs, compiling a service's TypeScript can outlast its 30 s allowance.
 */
export async function startPatiently(
  entry: string,
  port: number,
  env: Record<string, string>,
  attempts = 3,
): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startService(entry, port, env);
    } catch (error) {
      const slow = error instanceof Error && error.message.includes('was not ready within');
      if (!slow || attempt >= attempts) throw error;
    }
  }
}
