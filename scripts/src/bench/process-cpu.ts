/**
 * CPU time of local processes from /proc (Linux): samples of utime+stime per pid, and the
 * difference between two samples in % of one core. Empty (and so "-") where /proc is not readable.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface CpuSample {
  at: number;
  /** Clock ticks per pid. */
  ticks: Map<number, number>;
}

const clockTicks = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function statOf(pid: number): { name: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { name: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // ended meanwhile, or no /proc
  }
}

/** CPU seconds so far and peak resident set (VmHWM) of one process; undefined once it has ended. */
export function usageOf(pid: number): { cpuSeconds: number; peakRssKb: number } | undefined {
  const stat = statOf(pid);
  if (!stat) return undefined;
  let peakRssKb = 0;
  try {
    peakRssKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    // ended between the two reads
  }
  return { cpuSeconds: stat.ticks / clockTicks, peakRssKb };
}

/** CPU ticks of the given pids. */
export function samplePids(pids: readonly number[]): CpuSample {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = statOf(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  return { at: performance.now(), ticks };
}

/** CPU ticks of every process with this name (`postgres`, `nats-server`). */
export function sampleNamed(name: string): CpuSample {
  const ticks = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    // not Linux
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.name === name) ticks.set(Number(entry), stat.ticks);
  }
  return { at: performance.now(), ticks };
}

/** % of one core used between the samples (200 = two cores busy); processes that ended in between are not counted. */
export function cpuPercent(a: CpuSample, b: CpuSample): number | undefined {
  if (b.ticks.size === 0) return undefined;
  let ticks = 0;
  for (const [pid, t] of b.ticks) ticks += t - (a.ticks.get(pid) ?? 0);
  const seconds = (b.at - a.at) / 1000;
  return seconds > 0 ? (100 * ticks) / clockTicks / seconds : undefined;
}
