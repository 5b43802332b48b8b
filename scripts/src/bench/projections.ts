/**
 * `npm run bench:projections`: the read side end to end (event store -> relay -> NATS ->
 * projectors -> PostgreSQL), with one projectors process as a child.
 *
 *   npm run bench:projections -- [--events 200000] [--rate 2000] [--seconds 20] [--writers 8] [--port 18200] [--profile]
 *
 * 1. Throughput: appends --events events of a realistic mix (projection-workload.ts) BEFORE the
 *    projectors start, then times from the process start (and from its /ready) until all five
 *    projections' checkpoints reach the last appended position.
 * 2. Lag: with the projectors caught up, appends at a steady --rate for --seconds and measures,
 *    per append, the time from its commit until every projection's checkpoint passed it (and
 *    until the relay published it on NATS, seen by a plain subscriber).
 * Runs in a scratch database, its own JetStream stream / subject prefix and Redis key prefix,
 * all removed at the end, on errors and on Ctrl-C. PROJECTION_BATCH_SIZE passes through.
 * `--profile` writes a CPU profile of the projectors process and prints where its time went.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  PostgresEventStore,
  START,
  allEventsSubject,
  comparePositions,
  connectNats,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  PROJECTION_NAMES,
  parsePrometheusText,
  sumOf,
  type GlobalPosition,
  type ProjectionName,
  type NatsConnection,
  type Sample,
  type StreamWrite,
} from '@concert/infra';
import { cpuProfileByPackage } from './cpu-profile-by-package.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { percentile } from './latency.js';
import { formatNumber, formatTable } from './print-table.js';
import { cpuPercent, sampleNamed, samplePids, type CpuSample } from './process-cpu.js';
import { Workload, type Lifecycle, type Op } from './projection-workload.js';
import { createScratchDatabase } from './scratch-database.js';

/** Every projection (each a checkpoint row). */
const PROJECTIONS: readonly ProjectionName[] = Object.values(PROJECTION_NAMES);
const TARGET_EVENTS_PER_SECOND = 10_000;
/** At the steady rate (--rate, default 2,000 events/s). */
const TARGET_LAG_P99_MS = 250;
const SEATS_PER_SCHEDULE = 2_500;
/** Lifecycles one phase-1 writer appends together, step by step (one appendMany per step). */
const LIFECYCLES_PER_BATCH = 32;
/** Reservations in progress at once during the steady phase (interleaved users). */
const STEADY_LANES = 64;
const POLL_MS = 5;
const STALL_MS = 60_000;
const DRAIN_TIMEOUT_MS = 120_000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    writers: { type: 'string', default: '8' },
    port: { type: 'string', default: '18200' },
    profile: { type: 'boolean', default: false },
  },
});
const totalEvents = positiveInt('events', args.events);
const rate = positiveInt('rate', args.rate);
const steadySeconds = positiveInt('seconds', args.seconds);
const writers = positiveInt('writers', args.writers);
const port = positiveInt('port', args.port);

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return n;
}

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const runId = randomBytes(4).toString('hex');
const streamName = `BENCH_${runId}`;
const subjectPrefix = `bench_${runId}`;
const keyPrefix = `bench:${runId}:`;
const url = `http://127.0.0.1:${port}`;
const profileDir = args.profile ? mkdtempSync(join(os.tmpdir(), 'projectors-profile-')) : undefined;

// The scratch database drops itself on a signal and exits; this benchmark has more to undo
// first (the child, the stream), so it takes those signal handlers over with its own cleanup.
const inherited = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
const scratch = await createScratchDatabase('projections');
for (const signal of SIGNALS) {
  for (const listener of process.listeners(signal))
    if (!inherited.get(signal)?.has(listener)) process.off(signal, listener);
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: scratch.url,
  NATS_URL: config.NATS_URL,
  NATS_STREAM: streamName,
  NATS_SUBJECT_PREFIX: subjectPrefix,
  REDIS_URL: config.REDIS_URL,
  REDIS_KEY_PREFIX: keyPrefix,
  PROJECTORS_PORT: String(port),
  LOG_LEVEL: 'warn',
};
const batchSize = loadConfig(childEnv).PROJECTION_BATCH_SIZE;
const store = new PostgresEventStore({ connectionString: scratch.url, maxConnections: writers + 4 });
const db = new pg.Client({ connectionString: scratch.url });
let nc: NatsConnection | undefined;
let child: ChildProcess | undefined;
let cleaning: Promise<void> | undefined;

try {
  await db.connect();
  nc = await connectNats(config.NATS_URL, 'bench-projections');
  const jsm = await nc.jetstreamManager();
  const steadyEvents = rate * steadySeconds;
  const schedules = Math.max(2, Math.ceil(((totalEvents + steadyEvents) * 0.2) / SEATS_PER_SCHEDULE));
  const workload = new Workload({
    schedules,
    seatsPerSchedule: SEATS_PER_SCHEDULE,
    schedulesPerConcert: 4,
    users: Math.max(1_000, Math.round(totalEvents / 20)),
  });
  if (workload.setupEvents >= totalEvents)
    throw new Error(`--events must exceed the ${workload.setupEvents} setup events`);

  // ------------------------------------------------------------------ phase 1: backlog, then catch up
  const appendStarted = performance.now();
  let last: GlobalPosition = START;
  const note = (p: GlobalPosition): void => {
    if (comparePositions(p, last) > 0) last = p;
  };
  for (const op of workload.setup()) note(await appendOp(op));
  let remaining = totalEvents - workload.setupEvents;
  const kinds = new Map<string, number>();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (;;) {
        const batch: Lifecycle[] = [];
        while (batch.length < LIFECYCLES_PER_BATCH && remaining > 0) {
          const lifecycle = workload.next(remaining);
          remaining -= lifecycle.events;
          kinds.set(lifecycle.kind, (kinds.get(lifecycle.kind) ?? 0) + 1);
          batch.push(lifecycle);
        }
        if (batch.length === 0) return;
        for (let step = 0; ; step++) {
          const ops = batch.map((l) => l.ops[step]).filter((op): op is Op => op !== undefined);
          if (ops.length === 0) break;
          note(await appendMerged(ops));
        }
        for (const lifecycle of batch) lifecycle.done();
      }
    }),
  );
  const appendSeconds = (performance.now() - appendStarted) / 1000;
  const backlogEnd = last;
  const backlogCounts = new Map(workload.counts);
  console.log(
    `appended ${formatNumber(totalEvents)} events in ${formatNumber(appendSeconds, 1)} s (${formatNumber(totalEvents / appendSeconds)} events/s, ${writers} writers); ` +
      `lifecycles: ${[...kinds].map(([k, n]) => `${k} ${formatNumber(n)}`).join(', ')}; starting projectors`,
  );

  const hostBefore = hostSample();
  child = startProjectors();
  const spawnedAt = performance.now();
  const childPid = child.pid ?? 0;
  const cpu1 = { child: samplePids([childPid]), ...hostBefore };
  let readyAt: number | undefined;
  const readiness = waitUntilReady().then((at) => (readyAt = at));
  readiness.catch(() => undefined);

  const caughtUpAt = new Map<ProjectionName, number>();
  const timeline: { at: number; relayed: number; seqs: Map<string, number> }[] = [];
  let relayDoneAt: number | undefined;
  let lastProgress = { at: performance.now(), key: '' };
  let nextSample = spawnedAt;
  while (caughtUpAt.size < PROJECTIONS.length) {
    if (child.exitCode !== null) throw new Error(`projectors exited with ${child.exitCode} before catching up`);
    const rows = await readCheckpoints();
    const now = performance.now();
    for (const name of PROJECTIONS) {
      const row = rows.get(name);
      if (!caughtUpAt.has(name) && row && comparePositions(row.position, backlogEnd) >= 0) caughtUpAt.set(name, now);
    }
    if (now >= nextSample || caughtUpAt.size === PROJECTIONS.length) {
      nextSample = now + 250;
      const relayed = await streamLastSeq(jsm);
      if (relayDoneAt === undefined && relayed >= totalEvents) relayDoneAt = now;
      timeline.push({ at: now - spawnedAt, relayed, seqs: new Map([...rows].map(([k, v]) => [k, v.sequence])) });
      const key = [relayed, ...[...rows.values()].map((r) => r.sequence)].join(',');
      if (key !== lastProgress.key) lastProgress = { at: now, key };
      else if (now - lastProgress.at > STALL_MS)
        throw new Error(`no progress for ${STALL_MS / 1000} s: relayed ${relayed}, checkpoints ${key}`);
    }
    await sleep(POLL_MS);
  }
  const phase1End = performance.now();
  const cpuPhase1 = cpuBetween(cpu1, { child: samplePids([childPid]), ...hostSample() });
  await readiness;
  const metrics1 = await scrape();
  const catchUpSeconds = (phase1End - spawnedAt) / 1000;
  const fromReadySeconds = readyAt === undefined ? Number.NaN : (phase1End - readyAt) / 1000;

  // ------------------------------------------------------------------ phase 2: steady rate, lag
  interface Append {
    events: number;
    issuedAt: number;
    committedAt?: number;
    position?: GlobalPosition;
    relayedAt?: number;
    passedAt: Partial<Record<ProjectionName, number>>;
    doneAt?: number;
  }
  const byLastEvent = new Map<string, Append>();
  const subscription = nc.subscribe(allEventsSubject(subjectPrefix), {
    callback: (_error, msg) => {
      const id = msg.headers?.get('Nats-Msg-Id');
      const append = id ? byLastEvent.get(id) : undefined;
      if (append && append.relayedAt === undefined) append.relayedAt = performance.now();
    },
  });
  await nc.flush();
  const appends: Append[] = [];
  const pending: Append[] = [];
  let steadyFailure: unknown;
  let polling = true;
  let pendingSince = 0;
  const poller = (async () => {
    while (polling || pending.length > 0) {
      const rows = await readCheckpoints();
      const now = performance.now();
      for (let i = pending.length - 1; i >= 0; i--) {
        const append = pending[i]!;
        for (const name of PROJECTIONS) {
          const row = rows.get(name);
          if (append.passedAt[name] === undefined && row && comparePositions(append.position!, row.position) <= 0)
            append.passedAt[name] = now;
        }
        if (PROJECTIONS.every((name) => append.passedAt[name] !== undefined)) {
          append.doneAt = now;
          pending.splice(i, 1);
        }
      }
      // Give up on what is still not projected long after the steady phase: reported as such.
      if (!polling && now - pendingSince > DRAIN_TIMEOUT_MS) break;
      await sleep(POLL_MS);
    }
  })();
  poller.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"

  const metrics2Before = await scrape();
  const cpu2 = { child: samplePids([childPid]), ...hostSample() };
  const steadyStarted = performance.now();
  let sent = 0;
  let budget = steadyEvents;
  let starved = 0;
  const lanes: { lifecycle: Lifecycle; next: number }[] = [];
  const idle: { lifecycle: Lifecycle; next: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  const launch = (lane: { lifecycle: Lifecycle; next: number }): void => {
    const op = lane.lifecycle.ops[lane.next++]!;
    const append: Append = { events: op.events, issuedAt: performance.now(), passedAt: {} };
    appends.push(append);
    byLastEvent.set(op.lastEventId, append);
    sent += op.events;
    const done = appendOp(op).then(
      (position) => {
        append.committedAt = performance.now();
        append.position = position;
        pending.push(append);
        if (lane.next < lane.lifecycle.ops.length) idle.push(lane);
        else {
          lane.lifecycle.done();
          lanes.splice(lanes.indexOf(lane), 1);
        }
      },
      (error: unknown) => {
        steadyFailure ??= error;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  while (budget > 0 || sent < steadyEvents) {
    if (steadyFailure) throw steadyFailure;
    const due = Math.min(steadyEvents, Math.floor(((performance.now() - steadyStarted) / 1000) * rate));
    while (sent < due) {
      let lane: { lifecycle: Lifecycle; next: number } | undefined;
      if (lanes.length < STEADY_LANES && budget > 0) {
        const lifecycle = workload.next(budget);
        budget -= lifecycle.events;
        lane = { lifecycle, next: 0 };
        lanes.push(lane);
      } else if (idle.length > 0) {
        lane = idle.splice(Math.floor(Math.random() * idle.length), 1)[0];
      }
      if (!lane) {
        starved++;
        break;
      }
      launch(lane);
    }
    await sleep(1);
  }
  const steadyEnded = performance.now();
  await Promise.all(inFlight);
  if (steadyFailure) throw steadyFailure;
  polling = false;
  pendingSince = performance.now();
  await poller;
  const cpuPhase2 = cpuBetween(cpu2, { child: samplePids([childPid]), ...hostSample() });
  const metrics2 = await scrape();
  await subscription.drain();

  // ------------------------------------------------------------------ checks and report
  const parked = await count('SELECT count(*)::int AS n FROM parked_events');
  const all = workload.counts;
  const checks: [string, number, number][] = [
    ['rm_reservations', await count('SELECT count(*)::int AS n FROM rm_reservations'), all.get('ReservationHeld') ?? 0],
    ['rm_payments', await count('SELECT count(*)::int AS n FROM rm_payments'), all.get('PaymentRequested') ?? 0],
    [
      'rm_seats SOLD',
      await count("SELECT count(*)::int AS n FROM rm_seats WHERE status = 'SOLD'"),
      all.get('SeatSold') ?? 0,
    ],
    [
      'rm_sales_by_schedule seats',
      await count('SELECT coalesce(sum(sold_seats), 0)::int AS n FROM rm_sales_by_schedule'),
      all.get('SeatSold') ?? 0,
    ],
    ['rm_wallets', await count('SELECT count(*)::int AS n FROM rm_wallets'), -1],
  ];
  const mismatches = checks
    .filter(([, got, want]) => want >= 0 && got !== want)
    .map(([t, got, want]) => `${t} ${got} != ${want}`);

  const lags = appends
    .flatMap((a) => (a.doneAt !== undefined && a.committedAt !== undefined ? [a.doneAt - a.committedAt] : []))
    .sort((x, y) => x - y);
  const relayLags = appends
    .flatMap((a) =>
      a.relayedAt !== undefined && a.committedAt !== undefined ? [Math.max(0, a.relayedAt - a.committedAt)] : [],
    )
    .sort((x, y) => x - y);
  const appendLatencies = appends
    .flatMap((a) => (a.committedAt !== undefined ? [a.committedAt - a.issuedAt] : []))
    .sort((x, y) => x - y);
  const steadySecondsMeasured = (steadyEnded - steadyStarted) / 1000;
  const cores = os.cpus();

  console.log(
    `\nprojections: ${formatNumber(totalEvents)} events backlog (${formatNumber(backlogCounts.size)} event types, ${schedules} schedules x ${formatNumber(SEATS_PER_SCHEDULE)} seats), ` +
      `then ${formatNumber(rate)} events/s for ${steadySeconds} s; one projectors process (relay + ${PROJECTIONS.length} projectors, batch ${batchSize}); ` +
      `machine: ${cores.length} cores (${cores[0]?.model.trim() ?? '?'}), node ${process.version}`,
  );
  console.log(
    formatTable(
      ['measure', 'value', 'target'],
      [
        ['backlog events', formatNumber(totalEvents), ''],
        ['catch-up from process start (s)', formatNumber(catchUpSeconds, 2), ''],
        [
          '  of which start to /ready (s)',
          formatNumber(readyAt === undefined ? undefined : (readyAt - spawnedAt) / 1000, 2),
          '',
        ],
        [
          'end to end events/s (from start)',
          formatNumber(totalEvents / catchUpSeconds),
          `>= ${formatNumber(TARGET_EVENTS_PER_SECOND)}`,
        ],
        [
          'end to end events/s (from /ready)',
          formatNumber(totalEvents / fromReadySeconds),
          `>= ${formatNumber(TARGET_EVENTS_PER_SECOND)}`,
        ],
        [
          'relay: all in NATS after (s)',
          formatNumber(relayDoneAt === undefined ? undefined : (relayDoneAt - spawnedAt) / 1000, 2),
          '',
        ],
        [
          'relay events/s (from start)',
          formatNumber(relayDoneAt === undefined ? undefined : totalEvents / ((relayDoneAt - spawnedAt) / 1000)),
          '',
        ],
        ['steady rate achieved (events/s)', formatNumber(sent / steadySecondsMeasured), formatNumber(rate)],
        ['steady appends (ops)', `${formatNumber(appends.length)}${starved ? ` (${starved} starved ticks)` : ''}`, ''],
        ['  not projected after the drain', formatNumber(pending.length), '0'],
        [
          'append latency p50 / p99 (ms)',
          `${formatNumber(percentile(appendLatencies, 50), 1)} / ${formatNumber(percentile(appendLatencies, 99), 1)}`,
          '',
        ],
        [
          'lag commit -> NATS p50 / p99 (ms)',
          `${formatNumber(percentile(relayLags, 50), 1)} / ${formatNumber(percentile(relayLags, 99), 1)}`,
          '',
        ],
        [`lag commit -> all ${PROJECTIONS.length} read models p50 (ms)`, formatNumber(percentile(lags, 50), 1), ''],
        ['  p95 (ms)', formatNumber(percentile(lags, 95), 1), ''],
        ['  p99 (ms)', formatNumber(percentile(lags, 99), 1), `< ${TARGET_LAG_P99_MS}`],
        ['  max (ms)', formatNumber(lags.at(-1), 1), ''],
        ['parked events', formatNumber(parked), '0'],
        ['read models match the events', mismatches.length === 0 ? 'yes' : mismatches.join('; '), 'yes'],
        ['CPU catch-up: projectors/postgres/nats/bench (% core)', cpuLine(cpuPhase1), ''],
        ['CPU steady: projectors/postgres/nats/bench (% core)', cpuLine(cpuPhase2), ''],
        ['CPU steady per event: projectors/postgres/nats (ms)', perEventLine(cpuPhase2, sent), ''],
        [
          'host busy catch-up / steady (% of all cores)',
          `${formatNumber(cpuPhase1.host, 0)} / ${formatNumber(cpuPhase2.host, 0)}`,
          '',
        ],
      ],
    ),
  );

  const wall1 = catchUpSeconds;
  const lagOf = (name: ProjectionName): number[] =>
    appends
      .flatMap((a) =>
        a.passedAt[name] !== undefined && a.committedAt !== undefined ? [a.passedAt[name] - a.committedAt] : [],
      )
      .sort((x, y) => x - y);
  console.log('\nper projection (catch-up: from process start; steady: lag from commit)');
  console.log(
    formatTable(
      [
        'projection',
        'caught up (s)',
        'events/s',
        'batches',
        'events/batch',
        'ms/batch',
        'in txn %',
        'steady ev/batch',
        'steady ms/batch',
        'lag p50',
        'lag p99',
      ],
      PROJECTIONS.map((name) => {
        const where = { projection: name };
        const batches1 = sumOf(metrics1, 'projector_batches_total', { ...where, result: 'committed' });
        const events1 = sumOf(metrics1, 'projector_events_total', where);
        const seconds1 = sumOf(metrics1, 'projector_batch_duration_seconds_sum', where);
        const batches2 =
          sumOf(metrics2, 'projector_batches_total', { ...where, result: 'committed' }) -
          sumOf(metrics2Before, 'projector_batches_total', { ...where, result: 'committed' });
        const events2 =
          sumOf(metrics2, 'projector_events_total', where) - sumOf(metrics2Before, 'projector_events_total', where);
        const seconds2 =
          sumOf(metrics2, 'projector_batch_duration_seconds_sum', where) -
          sumOf(metrics2Before, 'projector_batch_duration_seconds_sum', where);
        const at = caughtUpAt.get(name);
        const lag = lagOf(name);
        return [
          name,
          formatNumber(at === undefined ? undefined : (at - spawnedAt) / 1000, 2),
          formatNumber(at === undefined ? undefined : totalEvents / ((at - spawnedAt) / 1000)),
          formatNumber(batches1),
          formatNumber(events1 / batches1, 1),
          formatNumber((1000 * seconds1) / batches1, 1),
          formatNumber((100 * seconds1) / wall1),
          formatNumber(events2 / batches2, 1),
          formatNumber((1000 * seconds2) / batches2, 1),
          formatNumber(percentile(lag, 50), 1),
          formatNumber(percentile(lag, 99), 1),
        ];
      }),
    ),
  );

  console.log('\ncatch-up progress (events; relay = stream last_seq, projections = checkpoint stream sequence)');
  const step = Math.max(1, Math.ceil(timeline.length / 12));
  const shown = timeline.filter((_, i) => i % step === 0 || i === timeline.length - 1);
  console.log(
    formatTable(
      ['t (s)', 'relay', ...PROJECTIONS],
      shown.map((s) => [
        formatNumber(s.at / 1000, 1),
        formatNumber(s.relayed),
        ...PROJECTIONS.map((p) => formatNumber(s.seqs.get(p) ?? 0)),
      ]),
    ),
  );
  await stopProjectors();
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      console.log(`\nprojectors CPU profile (${join(profileDir, file)}), self time by package:`);
      for (const line of cpuProfileByPackage(join(profileDir, file))) console.log(`  ${line}`);
      console.log('by function:');
      for (const line of summarizeCpuProfile(join(profileDir, file))) console.log(`  ${line}`);
    }
  }
  await cleanup();
} finally {
  await cleanup();
}

// ---------------------------------------------------------------------------- helpers

async function appendOp(op: Op): Promise<GlobalPosition> {
  const [only] = op.writes;
  if (op.writes.length === 1 && only)
    return (await store.append(only.streamId, only.events, only.expectedRevision)).position;
  return maxPosition((await store.appendMany(op.writes)).map((r) => r.position));
}

/** Several lifecycles' ops in one transaction; a stream written by two of them (a shared wallet) gets one write. */
async function appendMerged(ops: readonly Op[]): Promise<GlobalPosition> {
  const byStream = new Map<string, StreamWrite>();
  for (const write of ops.flatMap((op) => op.writes)) {
    const seen = byStream.get(write.streamId);
    if (!seen) byStream.set(write.streamId, { ...write, events: [...write.events] });
    else if (seen.expectedRevision === 'any' && write.expectedRevision === 'any')
      seen.events = [...seen.events, ...write.events];
    else throw new Error(`two lifecycles wrote ${write.streamId} at once`);
  }
  return maxPosition((await store.appendMany([...byStream.values()])).map((r) => r.position));
}

function maxPosition(positions: readonly GlobalPosition[]): GlobalPosition {
  return positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b), START);
}

async function readCheckpoints(): Promise<Map<string, { position: GlobalPosition; sequence: number }>> {
  const { rows } = await db.query<{ projection: string; c: string; p: string; s: string }>(
    'SELECT projection, commit_position::text AS c, prepare_position::text AS p, stream_sequence::text AS s FROM projection_checkpoints',
  );
  return new Map(
    rows.map((r) => [r.projection, { position: { commit: BigInt(r.c), prepare: BigInt(r.p) }, sequence: Number(r.s) }]),
  );
}

async function count(sql: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}

async function streamLastSeq(jsm: Awaited<ReturnType<NatsConnection['jetstreamManager']>>): Promise<number> {
  try {
    return (await jsm.streams.info(streamName)).state.last_seq;
  } catch {
    return 0; // not created yet by the projectors
  }
}

function startProjectors(): ChildProcess {
  const flags = ['--conditions=development', '--import', 'tsx'];
  if (profileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  // Its own process group: a Ctrl-C reaches the benchmark only, whose cleanup stops the child with one SIGTERM.
  return spawn(process.execPath, [...flags, 'projectors/src/main.ts'], {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
}

async function waitUntilReady(): Promise<number> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error('projectors did not become ready');
}

async function scrape(): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
}

function hostSample(): {
  postgres: CpuSample;
  nats: CpuSample;
  bench: CpuSample;
  host: number | undefined;
  at: number;
} {
  return {
    postgres: sampleNamed('postgres'),
    nats: sampleNamed('nats-server'),
    bench: samplePids([process.pid]),
    host: hostBusyMs(),
    at: performance.now(),
  };
}

/** Busy milliseconds of all cores together (from os.cpus()). */
function hostBusyMs(): number {
  return os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

interface CpuWindow {
  child: CpuSample;
  postgres: CpuSample;
  nats: CpuSample;
  bench: CpuSample;
  host: number | undefined;
  at: number;
}

function cpuBetween(
  a: CpuWindow,
  b: CpuWindow,
): { child?: number; postgres?: number; nats?: number; bench?: number; host?: number; seconds: number } {
  const hostPct =
    a.host !== undefined && b.host !== undefined
      ? (100 * (b.host - a.host)) / (b.at - a.at) / os.cpus().length
      : undefined;
  return {
    child: cpuPercent(a.child, b.child),
    postgres: cpuPercent(a.postgres, b.postgres),
    nats: cpuPercent(a.nats, b.nats),
    bench: cpuPercent(a.bench, b.bench),
    host: hostPct,
    seconds: (b.at - a.at) / 1000,
  };
}

function cpuLine(c: { child?: number; postgres?: number; nats?: number; bench?: number }): string {
  return [c.child, c.postgres, c.nats, c.bench].map((v) => formatNumber(v)).join(' / ');
}

/** CPU milliseconds per event over the window (from its % of one core and its length). */
function perEventLine(
  c: { child?: number; postgres?: number; nats?: number; seconds: number },
  events: number,
): string {
  const perEvent = (pct: number | undefined): number | undefined =>
    pct === undefined ? undefined : (pct / 100) * ((c.seconds * 1000) / events);
  return [c.child, c.postgres, c.nats].map((v) => formatNumber(perEvent(v), 3)).join(' / ');
}

async function stopProjectors(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Stops the child, deletes the stream and the Redis keys, drops the database. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopProjectors().catch((error: unknown) => console.error('could not stop the projectors:', error));
    await store.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    if (nc) {
      const jsm = await nc.jetstreamManager().catch(() => undefined);
      const deleted = await jsm?.streams.delete(streamName).catch(() => false);
      console.log(deleted ? `deleted stream ${streamName}` : `stream ${streamName} not deleted (missing?)`);
      await nc.close().catch(() => undefined);
    }
    const redis = createRedis({ url: config.REDIS_URL });
    await deleteKeysWithPrefix(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await scratch.drop();
  })();
  return cleaning;
}
