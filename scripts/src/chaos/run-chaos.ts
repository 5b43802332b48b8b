import { formatNumber, formatTable } from '../bench/print-table.js';
import { runOnSale, type RunResult } from '../onsale/run-on-sale.js';
import { statusList, summarizeStages } from '../onsale/stage-summary.js';
import type { Fault } from './faults.js';
import { secondsToRecover } from './wait-for-recovery.js';

export interface ChaosOptions {
  fans: number;
  seats: number;
  arrivalSeconds: number;
  holdSeconds: number;
  faults: readonly Fault[];
  /** Pause after a fault's recovery before the next one. */
  gapMs: number;
  log: (line: string) => void;
  progress?: (line: string) => void;
}

export interface FaultReport {
  fault: string;
  atS: number;
  did: string;
  recoveredAfterS: number | undefined;
  /** Answers 5xx, timeouts and connection errors from the fault until 1 s after recovery. */
  failedRequests: number;
}

export interface ChaosResult {
  run: RunResult;
  faults: FaultReport[];
  ok: boolean;
  /** The tables: faults, requests by status, invariants. */
  report: string;
}

/**
 * `npm run chaos`: the on-sale of bench:onsale on the system's own redis-server and
 * nats-server, with faults injected one after the other while the fans buy (each after the
 * previous one's recovery), then the invariants. `ok` is false when an invariant is violated
 * or the system did not recover from a fault.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const faults: FaultReport[] = [];
  const run = await runOnSale({
    label: 'chaos',
    fans: options.fans,
    seats: options.seats,
    arrivalSeconds: options.arrivalSeconds,
    concurrency: 128,
    holdMs: options.holdSeconds * 1000,
    admitPerSecond: 100,
    maxAdmitted: 1000,
    payShare: 0.7,
    cancelShare: 0.1,
    ownServers: true,
    log: options.log,
    ...(options.progress ? { progress: options.progress } : {}),
    async duringLoad({ system, http, onSale, concert }) {
      // Once the crowd is in: some fans waiting, some holding, some paying.
      while (onSale.state.admitted < Math.min(20, options.fans / 10)) await sleep(200);
      for (const fault of options.faults) {
        const atS = http.now();
        let did: string;
        try {
          did = await fault.inject(system);
        } catch (error) {
          did = `injection failed: ${(error as Error).message}`;
        }
        options.log(`fault at ${atS.toFixed(1)} s: ${fault.name} (${did})`);
        const recoveredAfterS = await secondsToRecover(system, concert.concertId);
        const until = http.now() + 1;
        const failedRequests = http.records.filter(
          (r) =>
            r.endS >= atS &&
            r.endS <= until &&
            (r.label.startsWith('5') || r.label === 'network-error' || r.label === 'timeout'),
        ).length;
        options.log(
          `  recovered after ${recoveredAfterS === undefined ? 'NEVER (120 s)' : `${recoveredAfterS.toFixed(1)} s`}`,
        );
        faults.push({ fault: fault.name, atS, did, recoveredAfterS, failedRequests });
        await sleep(options.gapMs);
      }
    },
  });
  const stages = summarizeStages(run.http.records);
  const report = [
    'faults injected:',
    formatTable(
      ['fault', 'at s', 'what happened', 'recovered after s', 'failed requests'],
      faults.map((f) => [
        f.fault,
        formatNumber(f.atS, 1),
        f.did,
        f.recoveredAfterS === undefined ? 'NOT RECOVERED' : formatNumber(f.recoveredAfterS, 1),
        formatNumber(f.failedRequests),
      ]),
    ),
    '',
    'requests by status:',
    formatTable(
      ['stage', 'requests', 'p99 ms', 'answers'],
      stages.map((s) => [s.stage, formatNumber(s.requests), formatNumber(s.p99), statusList(s.statuses)]),
    ),
    `fan outcomes: ${[...run.onSale.state.outcomes].map(([k, n]) => `${k} x${n}`).join(', ')}; seats sold ${run.seatsSold} of ${options.seats}`,
    '',
    'invariants checked:',
    ...run.invariants.map((i) => `  [${i.ok ? 'ok' : 'VIOLATED'}] ${i.name}: ${i.detail}`),
  ].join('\n');
  const ok = run.invariants.every((i) => i.ok) && faults.every((f) => f.recoveredAfterS !== undefined);
  return { run, faults, ok, report };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
