import pg from 'pg';
import { checkEventStoreInvariants, checkReadModels, type InvariantResult } from './check-invariants.js';
import { driveOnSale, type OnSale } from './drive-on-sale.js';
import { HttpRecorder } from './http-recorder.js';
import { launchSystem, type RunningSystem } from './launch-system.js';
import { createOnSaleConcert, newHoldWorks, type OnSaleConcert } from './on-sale-concert.js';
import { RunSampler, type ProcessUsage, type Sample } from './run-sampler.js';

export interface RunOptions {
  label: string;
  fans: number;
  seats: number;
  arrivalSeconds: number;
  concurrency: number;
  holdMs: number;
  admitPerSecond: number;
  maxAdmitted: number;
  /** How long an admitted fan may act (QUEUE_ADMISSION_WINDOW_MS); the system's default when absent. */
  admissionWindowMs?: number;
  payShare: number;
  cancelShare: number;
  ownServers: boolean;
  /** Runs beside the load (the chaos suite's faults); the load's end does not wait for it, the run does. */
  duringLoad?: (context: LoadContext) => Promise<void>;
  log: (line: string) => void;
  /** Each line the system's processes write (LOG_LEVEL warn: their warnings and errors). */
  systemOutput?: (line: string) => void;
  /** A progress line every 2 s (default: stderr). */
  progress?: (line: string) => void;
}

export interface LoadContext {
  system: RunningSystem;
  http: HttpRecorder;
  onSale: OnSale;
  concert: OnSaleConcert;
  /** Resolved once every fan is done. */
  loadFinished: Promise<void>;
}

export interface RunResult {
  http: HttpRecorder;
  onSale: OnSale;
  concert: OnSaleConcert;
  samples: Sample[];
  usage: ProcessUsage[];
  loadSeconds: number;
  soldOutAfterS: number | undefined;
  seatsSold: number;
  eventsAppended: number;
  invariants: InvariantResult[];
  env: Record<string, string>;
}

const HOLD_GRACE_S = 10;

/**
 * The on-sale both `bench:onsale` and `chaos` run: the system as `npm start` starts it, one
 * concert, N fans (drive-on-sale.ts), a sampler, then, after the last hold deadline, the
 * invariants. Stops the system and removes its database, keys and stream at the end.
 */
export async function runOnSale(options: RunOptions): Promise<RunResult> {
  const { log } = options;
  log(
    `starting the system (npm start: gateway, 2 command-api, 2 query-api, projectors, workers)${options.ownServers ? ' on its own redis-server and nats-server' : ''}...`,
  );
  const system = await launchSystem({
    label: options.label,
    ownServers: options.ownServers,
    ...(options.systemOutput ? { onOutput: options.systemOutput } : {}),
    env: {
      HOLD_DURATION_MS: String(options.holdMs),
      QUEUE_ADMIT_PER_SECOND: String(options.admitPerSecond),
      QUEUE_MAX_ADMITTED: String(options.maxAdmitted),
      ...(options.admissionWindowMs ? { QUEUE_ADMISSION_WINDOW_MS: String(options.admissionWindowMs) } : {}),
      // Every fan comes from 127.0.0.1: a per-IP budget would throttle the whole crowd.
      RATE_LIMIT_IP_MULTIPLE: '0',
      PAYMENT_RECOVERY_AFTER_MS: '5000',
      PAYMENT_RECOVERY_INTERVAL_MS: '1000',
    },
  });
  // Ctrl-C: the system's database, keys and stream go too.
  const interrupted = (): void => {
    log('interrupted: stopping the system...');
    void system.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const setup = new HttpRecorder(system.gatewayUrl, 8);
  const http = new HttpRecorder(system.gatewayUrl, options.concurrency);
  try {
    const concert = await createOnSaleConcert(setup, system.config, options.seats);
    log(
      `concert ${concert.concertId}: ${options.seats} seats; ${options.fans} fans arrive within ${options.arrivalSeconds} s (hold ${options.holdMs / 1000} s)`,
    );
    let onSale: OnSale | undefined;
    const sampler = new RunSampler(system, http, () => onSale?.state);
    await sampler.start();
    const loadStartedAt = Date.now();
    const started = http.now();
    onSale = driveOnSale({
      ...options,
      http,
      config: system.config,
      concertId: concert.concertId,
      scheduleId: concert.scheduleId,
      seatIds: concert.seatIds,
      retryForMs: 120_000,
    });
    const progress = setInterval(() => {
      const s = onSale!.state;
      const total = http.records.length;
      (options.progress ?? ((line: string) => process.stderr.write(`${line}\n`)))(
        `  ${Math.round(http.now())} s: arrived ${s.arrived}, waiting ${s.waiting}, admitted ${s.admitted}, choosing seats ${s.holding}, done ${s.done}/${options.fans}; seats paid ${s.seatsPaid}/${options.seats}; ${total} requests; ${[...s.outcomes].map(([k, n]) => `${k} x${n}`).join(', ')}`,
      );
    }, 2000);
    const beside = options.duringLoad?.({ system, http, onSale, concert, loadFinished: onSale.finished });
    await onSale.finished;
    clearInterval(progress);
    const loadSeconds = http.now() - started;
    // CPU per request is the load's: the idle wait for the last deadline below is not counted.
    const usage = sampler.usage();
    await beside;
    log(`load done in ${loadSeconds.toFixed(1)} s; waiting for the last hold deadline + ${HOLD_GRACE_S} s...`);
    await untilLastDeadlinePassed(system.env.DATABASE_URL!, HOLD_GRACE_S + 2);
    await sampler.stop();

    log('checking the invariants...');
    const invariants = await checkEventStoreInvariants(system.env.DATABASE_URL!, onSale.ledgers, HOLD_GRACE_S);
    invariants.push(await checkReadModels(system.env));
    invariants.push(await newHoldWorks(setup, system.config, concert, 0));
    const sold = await soldOut(system.env.DATABASE_URL!, concert.scheduleId, loadStartedAt);
    return {
      http,
      onSale,
      concert,
      samples: sampler.samples,
      usage,
      loadSeconds,
      soldOutAfterS: sold.count === options.seats ? sold.lastAfterS : undefined,
      seatsSold: sold.count,
      eventsAppended: sold.events,
      invariants,
      env: system.env,
    };
  } finally {
    await http.close();
    await setup.close();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    log('stopping the system and removing its database, Redis keys and stream...');
    await system.stop();
  }
}

async function withDb<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Waits until every hold written so far is past its deadline + `graceS` (by the database clock). */
async function untilLastDeadlinePassed(url: string, graceS: number): Promise<void> {
  const waitS = await withDb(url, async (client) => {
    const { rows } = await client.query<{ wait: string | null }>(
      `SELECT extract(epoch FROM max((data->>'expiresAt')::timestamptz) - now()) AS wait FROM es_events WHERE event_type = 'ReservationHeld'`,
    );
    return Number(rows[0]?.wait ?? 0);
  });
  const ms = Math.max(0, (waitS + graceS) * 1000);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function soldOut(
  url: string,
  scheduleId: string,
  loadStartedAt: number,
): Promise<{ count: number; lastAfterS: number; events: number }> {
  return withDb(url, async (client) => {
    const { rows } = await client.query<{ n: string; last: Date | null; events: string }>(
      `SELECT count(*) AS n, max(recorded_at) AS last, (SELECT count(*) FROM es_events) AS events
         FROM es_events WHERE event_type = 'SeatSold' AND data->>'scheduleId' = $1`,
      [scheduleId],
    );
    const row = rows[0]!;
    return {
      count: Number(row.n),
      lastAfterS: row.last ? (row.last.getTime() - loadStartedAt) / 1000 : Number.NaN,
      events: Number(row.events),
    };
  });
}
