/**
 * `npm run bench:expiry`: the expiry saga under a wave of deadlines (issue 6). `--holds` holds
 * (default 50,000, one seat each) are placed through the write side's holdSeats, with deadlines
 * spread over `--window-s` (60) seconds starting `--lead-s` seconds after the first hold (by
 * default long enough to place them all first),
 * while the projectors process (relay and read models) and `--workers` (1) workers processes
 * run. Measures the time until every seat is AVAILABLE again in the read model, the timeout
 * commands per second, and how late past its deadline each hold was timed out. Target (issue 14): all
 * released within 10 s of the last deadline, expiry lateness p99 < 2 s. Runs on a scratch database, stream and key prefix.
 * `--profile` writes a CPU profile of each workers process and prints where its time went.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  connectNats,
  createEventStore,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  RedisSeatLocks,
} from '@concert/infra';
import { addSchedule, createConcert, holdSeats, ScheduleCatalog, type CommandContext } from '@concert/write-model';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { expiryLateness, expiryRate } from './expiry-lateness.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const { values: args } = parseArgs({
  options: {
    holds: { type: 'string', default: '50000' },
    'window-s': { type: 'string', default: '60' },
    // Default: enough to place every hold before the first deadline (about 200 holds/s here).
    'lead-s': { type: 'string' },
    workers: { type: 'string', default: '1' },
    clients: { type: 'string', default: '32' },
    port: { type: 'string', default: '18300' },
    profile: { type: 'boolean', default: false },
  },
});
const holdCount = Number(args.holds);
const windowMs = Number(args['window-s']) * 1000;
const leadMs =
  (args['lead-s'] === undefined ? Math.max(30, Math.ceil(holdCount / 200)) : Number(args['lead-s'])) * 1000;
const workerCount = Number(args.workers);
const clients = Number(args.clients);
const basePort = Number(args.port);
const SEATS_PER_SCHEDULE = 5000;
/** A hold is never placed closer to its deadline than this, should placing them fall behind. */
const MIN_HOLD_MS = 1000;
const GIVE_UP_AFTER_LAST_DEADLINE_MS = 180_000;

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const scratch = await createScratchDatabase('expiry');
const run = randomBytes(4).toString('hex');
const env: Record<string, string> = {
  DATABASE_URL: scratch.url,
  NATS_STREAM: `BENCH_EXPIRY_${run}`,
  NATS_SUBJECT_PREFIX: `bench_expiry_${run}`,
  REDIS_KEY_PREFIX: `bench:expiry:${run}:`,
  PROJECTORS_PORT: String(basePort),
  LOG_LEVEL: 'warn',
};
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'expiry-profile-')) : undefined;
const children: ChildProcess[] = [];
const store = createEventStore({ ...config, DATABASE_URL: scratch.url }, { maxConnections: clients });
const redis = createRedis({ url: config.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX });
const client = new pg.Client({ connectionString: scratch.url });

try {
  await client.connect();
  const workerUrls = Array.from({ length: workerCount }, (_, i) => `http://127.0.0.1:${basePort + 1 + i}`);
  await Promise.all([
    start('projectors/src/main.ts', {}, `http://127.0.0.1:${basePort}`),
    ...workerUrls.map((url, i) =>
      start('workers/src/main.ts', { WORKERS_PORT: String(basePort + 1 + i) }, url, profileDir),
    ),
  ]);
  const locks = new RedisSeatLocks(redis);
  const catalog = new ScheduleCatalog(store);
  const ctx = (): CommandContext => ({ store, now: () => new Date(), correlationId: randomUUID(), locks });
  const seats = await createSeats(ctx);

  // Deadline i falls at first + i/holds of the window: all of them within it.
  console.log(
    `placing ${formatNumber(holdCount)} holds (${clients} at a time), deadlines over ${windowMs / 1000} s from ${leadMs / 1000} s on...`,
  );
  const placingStarted = Date.now();
  const firstDeadline = placingStarted + leadMs;
  const deadlines: number[] = [];
  let next = 0;
  let clamped = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < holdCount) {
        const i = next++;
        const seat = seats[i]!;
        const wanted = firstDeadline + Math.floor((i / holdCount) * windowMs);
        const durationMs = Math.max(MIN_HOLD_MS, wanted - Date.now());
        if (durationMs === MIN_HOLD_MS) clamped++;
        const hold = await holdSeats(
          ctx(),
          { catalog, holdDurationMs: durationMs, lockTtlMs: 5000 },
          {
            reservationId: randomUUID(),
            userId: `fan-${i}`,
            scheduleId: seat.scheduleId,
            seatIds: [seat.seatId],
          },
        );
        deadlines.push(hold.expiresAt.getTime());
      }
    }),
  );
  const placingSeconds = (Date.now() - placingStarted) / 1000;
  deadlines.sort((a, b) => a - b);
  const first = deadlines[0]!;
  const last = deadlines[deadlines.length - 1]!;
  console.log(
    `placed in ${placingSeconds.toFixed(1)} s (${formatNumber(holdCount / placingSeconds)} holds/s); deadlines span ${((last - first) / 1000).toFixed(1)} s`,
  );

  // Until the read model shows every seat on sale again.
  let allAvailableAt: number | undefined;
  let lastReport = 0;
  while (Date.now() < last + GIVE_UP_AFTER_LAST_DEADLINE_MS) {
    const { rows } = await client.query<{ unavailable: number; held: number }>(
      `SELECT count(*) FILTER (WHERE status <> 'AVAILABLE')::int AS unavailable, count(*) FILTER (WHERE status = 'HELD')::int AS held FROM rm_seats`,
    );
    const unavailable = rows[0]?.unavailable ?? 0;
    if (Date.now() >= last && unavailable === 0) {
      allAvailableAt = Date.now();
      break;
    }
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      const due = deadlines.filter((d) => d <= Date.now()).length;
      console.log(
        `  ${new Date().toISOString().slice(11, 19)}  due ${formatNumber(due)}  still not available in the read model ${formatNumber(unavailable)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const metrics = await Promise.all(workerUrls.map(async (url) => (await fetch(`${url}/metrics`)).text()));
  const commands = metrics.reduce((sum, text) => sum + metricSum(text, 'workers_timeout_commands_total'), 0);
  const failed = metrics.reduce(
    (sum, text) => sum + metricSum(text, 'workers_timeout_commands_total', 'outcome="failed"'),
    0,
  );
  const orphanPath = metrics.reduce(
    (sum, text) => sum + metricSum(text, 'workers_timeout_commands_total', 'kind="seat"'),
    0,
  );
  const lateness = await expiryLateness(client);
  const rate = await expiryRate(client);
  const expirySpan = rate.last ? (rate.last.getTime() - first) / 1000 : Number.NaN;
  const releasedAfterLast = allAvailableAt === undefined ? undefined : (allAvailableAt - last) / 1000;

  console.log(
    `\nexpiry: ${formatNumber(holdCount)} holds of one seat, deadlines over ${((last - first) / 1000).toFixed(1)} s, ${workerCount} workers process(es), EXPIRY_BATCH_SIZE ${config.EXPIRY_BATCH_SIZE}, EXPIRY_CONCURRENCY ${config.EXPIRY_CONCURRENCY}, EXPIRY_CLAIM_LOOPS ${config.EXPIRY_CLAIM_LOOPS}`,
  );
  console.log(
    formatTable(
      ['measure', 'value', 'target'],
      [
        [
          'all seats AVAILABLE in the read model, after the last deadline (s)',
          releasedAfterLast === undefined ? 'not within 180 s' : formatNumber(releasedAfterLast, 1),
          '<= 10',
        ],
        ['timeout commands issued', formatNumber(commands), ''],
        ['  of them failed (retried)', formatNumber(failed), ''],
        ['  of them for seat deadlines (orphan path)', formatNumber(orphanPath), ''],
        ['reservations expired', formatNumber(lateness.reservations.count), formatNumber(holdCount)],
        ['timeout commands/s, first deadline to last expiry', formatNumber(commands / expirySpan), ''],
        ['ReservationExpired in the busiest second', formatNumber(rate.peakPerSecond), ''],
        ['expiry lateness p50 / p99 / max (s)', triple(lateness.reservations), 'p99 < 2'],
        ['seat release lateness p50 / p99 / max (s)', triple(lateness.seats), 'max <= 2 under normal load'],
        ['holds placed closer than planned to their deadline', formatNumber(clamped), '0'],
      ],
    ),
  );
  if (profileDir) {
    // The profiles are written when the processes exit.
    await Promise.all(children.map(stop));
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      console.log(`\nworkers CPU profile (${join(profileDir, file)}), self time:`);
      for (const line of summarizeCpuProfile(join(profileDir, file))) console.log(`  ${line}`);
    }
  }
} finally {
  await Promise.all(children.map(stop));
  const nc = await connectNats(config.NATS_URL, 'bench-expiry-cleanup').catch(() => undefined);
  await (await nc?.jetstreamManager())?.streams.delete(env.NATS_STREAM!).catch(() => false);
  await nc?.close();
  await deleteKeysWithPrefix(redis, env.REDIS_KEY_PREFIX!).catch(() => 0);
  redis.disconnect();
  await client.end().catch(() => undefined);
  await store.close();
  await scratch.drop();
}

/** One seat per hold, in schedules of at most 5,000 seats. */
async function createSeats(ctx: () => CommandContext): Promise<Array<{ scheduleId: string; seatId: string }>> {
  const concertId = `bench-${run}`;
  await createConcert(ctx(), { concertId, title: 'Expiry bench', venue: 'Arena' });
  const seats: Array<{ scheduleId: string; seatId: string }> = [];
  for (let s = 0; s * SEATS_PER_SCHEDULE < holdCount; s++) {
    const scheduleId = `bench-${run}-${s}`;
    const seatIds = Array.from(
      { length: Math.min(SEATS_PER_SCHEDULE, holdCount - s * SEATS_PER_SCHEDULE) },
      (_, i) => `S-${i + 1}`,
    );
    await addSchedule(ctx(), {
      concertId,
      scheduleId,
      startsAt: '2030-01-01T19:00:00.000Z',
      seats: seatIds.map((seatId) => ({ seatId, grade: 'R', price: 100 })),
    });
    seats.push(...seatIds.map((seatId) => ({ scheduleId, seatId })));
  }
  return seats;
}

async function start(
  entry: string,
  extraEnv: Record<string, string>,
  url: string,
  cpuProfileDir?: string,
): Promise<void> {
  const flags = ['--conditions=development', '--import', 'tsx'];
  if (cpuProfileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`);
  const child = spawn(process.execPath, [...flags, entry], {
    env: { ...process.env, ...env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${entry} did not become ready`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Sum of a counter's series (optionally those whose labels include `labelFilter`) in Prometheus text. */
function metricSum(text: string, name: string, labelFilter?: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && (labelFilter === undefined || line.includes(labelFilter)))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

function triple(l: { p50: number; p99: number; max: number }): string {
  return `${formatNumber(l.p50, 2)} / ${formatNumber(l.p99, 2)} / ${formatNumber(l.max, 2)}`;
}
