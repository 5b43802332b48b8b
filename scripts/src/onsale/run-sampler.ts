import pg from 'pg';
import { usageOf } from '../bench/process-cpu.js';
import type { OnSaleState } from './drive-on-sale.js';
import type { HttpRecorder } from './http-recorder.js';
import type { RunningSystem } from './launch-system.js';

/** One second of the run. */
export interface Sample {
  t: number;
  waiting: number;
  admitted: number;
  seatsPaid: number;
  /** Events in the store not yet in every projection (by global position). */
  projectionLag: number | null;
  /** Events in the store so far. */
  events: number | null;
  /** CPU % of one core per process kind in the second before. */
  cpu: Record<string, number>;
}

export interface ProcessUsage {
  name: string;
  kind: string;
  cpuSeconds: number;
  peakRssKb: number;
  pids: number;
}

/**
 * Samples the run every second: the fans' progress, projection lag and event count from the
 * database, and each process's CPU and peak RSS from /proc (a restarted process adds its new
 * pid to its name's total).
 */
export class RunSampler {
  readonly samples: Sample[] = [];
  readonly #byPid = new Map<number, { name: string; kind: string; cpuSeconds: number; peakRssKb: number }>();
  readonly #db: pg.Client;
  #timer: NodeJS.Timeout | undefined;
  #lastCpuByKind = new Map<string, number>();
  #lastAt = 0;
  /** CPU seconds each process had used before the load began (start-up, compiling through tsx). */
  readonly #baseline = new Map<number, number>();

  constructor(
    readonly system: RunningSystem,
    readonly http: HttpRecorder,
    readonly state: () => OnSaleState | undefined,
  ) {
    this.#db = new pg.Client({ connectionString: system.env.DATABASE_URL });
    // A connection storm (chaos) ends this session too: reconnect on the next sample.
    this.#db.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.#db.connect();
    this.#poll();
    for (const [pid, p] of this.#byPid) this.#baseline.set(pid, p.cpuSeconds);
    this.#lastAt = this.http.now();
    this.#lastCpuByKind = this.#cpuByKind();
    this.#timer = setInterval(() => void this.#sample(), 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#poll();
    await this.#db.end().catch(() => undefined);
  }

  /** CPU seconds (since the load began) and peak RSS per process name. */
  usage(): ProcessUsage[] {
    this.#poll();
    const byName = new Map<string, ProcessUsage>();
    for (const [pid, p] of this.#byPid) {
      const u = byName.get(p.name) ?? { name: p.name, kind: p.kind, cpuSeconds: 0, peakRssKb: 0, pids: 0 };
      u.cpuSeconds += p.cpuSeconds - (this.#baseline.get(pid) ?? 0);
      u.peakRssKb = Math.max(u.peakRssKb, p.peakRssKb);
      u.pids += 1;
      byName.set(p.name, u);
    }
    return [...byName.values()];
  }

  #poll(): void {
    for (const p of this.system.processes()) {
      if (p.pid === undefined) continue;
      const u = usageOf(p.pid);
      if (!u) continue;
      this.#byPid.set(p.pid, { name: p.name, kind: p.kind, cpuSeconds: u.cpuSeconds, peakRssKb: u.peakRssKb });
    }
  }

  #cpuByKind(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const u of this.usage()) totals.set(u.kind, (totals.get(u.kind) ?? 0) + u.cpuSeconds);
    return totals;
  }

  async #sample(): Promise<void> {
    const t = this.http.now();
    const cpuNow = this.#cpuByKind();
    const cpu: Record<string, number> = {};
    for (const [kind, seconds] of cpuNow)
      cpu[kind] = Math.round(
        (100 * (seconds - (this.#lastCpuByKind.get(kind) ?? 0))) / Math.max(0.001, t - this.#lastAt),
      );
    this.#lastCpuByKind = cpuNow;
    this.#lastAt = t;
    let projectionLag: number | null = null;
    let events: number | null = null;
    try {
      const { rows } = await this.#db.query<{ last: string | null; lag: string | null }>(
        // The feed's last event through its index (max(global_position) read the whole table: 42 ms a sample near the end).
        `WITH tail AS (SELECT global_position FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)
         SELECT (SELECT global_position FROM tail) AS last,
                (SELECT global_position FROM tail) - (SELECT min(prepare_position) FROM projection_checkpoints WHERE projection <> 'relay') AS lag`,
      );
      events = Number(rows[0]?.last ?? 0);
      projectionLag = Math.max(0, Number(rows[0]?.lag ?? 0));
    } catch {
      // the database connection was ended (chaos): the gap shows in the plot
    }
    const s = this.state();
    this.samples.push({
      t: Math.round(t * 10) / 10,
      waiting: s?.waiting ?? 0,
      admitted: s?.admitted ?? 0,
      seatsPaid: s?.seatsPaid ?? 0,
      projectionLag,
      events,
      cpu,
    });
  }
}
