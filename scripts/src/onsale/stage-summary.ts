import { percentile } from '../bench/latency.js';
import type { RequestRecord, Stage } from './http-recorder.js';

export interface StageSummary {
  stage: Stage;
  requests: number;
  /** Requests over the seconds between the stage's first and last answer. */
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

export interface StageSecond {
  t: number;
  requests: number;
  p99: number;
}

export const STAGES: readonly Stage[] = ['enter', 'poll', 'seats', 'hold', 'charge', 'pay', 'cancel', 'leave'];

export function summarizeStages(records: readonly RequestRecord[]): StageSummary[] {
  return STAGES.map((stage) => {
    const own = records.filter((r) => r.stage === stage);
    const latencies = own.map((r) => r.ms).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const r of own) statuses[r.label] = (statuses[r.label] ?? 0) + 1;
    const first = Math.min(...own.map((r) => r.endS - r.ms / 1000));
    const last = Math.max(...own.map((r) => r.endS));
    return {
      stage,
      requests: own.length,
      perSecond: own.length === 0 ? 0 : own.length / Math.max(1, last - first),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      statuses,
    };
  }).filter((s) => s.requests > 0);
}

/** Requests and p99 latency per second of the run, per stage (for the plots). */
export function stageSeconds(records: readonly RequestRecord[]): Record<string, StageSecond[]> {
  const buckets = new Map<string, Map<number, number[]>>();
  for (const r of records) {
    if (r.stage === 'probe') continue;
    const byT = buckets.get(r.stage) ?? new Map<number, number[]>();
    const t = Math.floor(r.endS);
    const list = byT.get(t) ?? [];
    list.push(r.ms);
    byT.set(t, list);
    buckets.set(r.stage, byT);
  }
  const result: Record<string, StageSecond[]> = {};
  for (const [stage, byT] of buckets) {
    result[stage] = [...byT.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, ms]) => ({
        t,
        requests: ms.length,
        p99: percentile(
          ms.sort((a, b) => a - b),
          99,
        ),
      }));
  }
  return result;
}

/** `201 x12, 409 seat-unavailable x3`. */
export function statusList(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} x${n}`)
    .join(', ');
}
