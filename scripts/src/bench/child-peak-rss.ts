import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ChildRun {
  code: number | null;
  /** From spawning the child to its exit, start-up included. */
  seconds: number;
  /** The child's peak resident set (VmHWM), sampled from /proc until it exits. */
  peakRssKb: number;
  stderr: string;
}

const SAMPLE_MS = 50;

/**
 * Runs one of our TypeScript entry points as a child process (so its memory is its own, as
 * an operator's run would be) and samples its peak RSS. Output goes to `onOutput` when given.
 */
export async function runMeasuringPeakRss(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onOutput?: (text: string) => void,
  nodeOptions: readonly string[] = [],
): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeOptions, '--conditions=development', '--import', 'tsx', entry, ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', onOutput ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => onOutput?.(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onOutput?.(chunk.toString());
  });
  let peakRssKb = 0;
  const sample = (): void => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
    } catch {
      // Exited between samples (or no /proc): the last sample stands.
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { code, seconds: (performance.now() - started) / 1000, peakRssKb, stderr };
}
