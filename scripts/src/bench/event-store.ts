/**
 * Benchmark of the PostgreSQL event store: single-event appends with 1/16/64 concurrent writers
 * on distinct streams and on one hot stream, then global-feed read throughput.
 *
 *   npm run bench:eventstore -- [--seconds 5] [--warmup 1] [--writers 1,16,64] [--scenarios distinct,hot,hot-any]
 *                               [--group-commit on] [--feed-events 200000]
 *
 * --group-commit on,off runs every scenario with the store's group commit on, then off (each append
 * its own transaction, as before es_append_batch), one after the other in the same sitting;
 * repeat the list (off,on,off,on) to interleave more rounds on a noisy machine.
 *
 * Works in its own database (concert_bench_<timestamp>, server from BENCH_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432) and drops it at the end, on errors and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { concertStreamId, reservationStreamId, type ReservationHeld } from '@concert/domain';
import {
  PostgresEventStore,
  START,
  WrongExpectedVersion,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
} from '@concert/infra';
import { plainInsertRate } from './baselines.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const TARGET_DISTINCT_16 = 5_000;
const TARGET_FEED_READ = 50_000;
const POOL_CAP = 64;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    writers: { type: 'string', default: '1,16,64' },
    scenarios: { type: 'string', default: 'distinct,hot,hot-any' },
    'group-commit': { type: 'string', default: 'on' },
    'feed-events': { type: 'string', default: '200000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: npm run bench:eventstore -- [--seconds 5] [--warmup 1] [--writers 1,16,64] [--scenarios distinct,hot,hot-any] [--group-commit on,off] [--feed-events 200000]',
  );
  process.exit(0);
}
const durationMs = positive('seconds', args.seconds) * 1000;
const warmupMs = Math.max(0, Number(args.warmup)) * 1000;
const scenarioKeys = new Set(args.scenarios.split(','));
const writerCounts = args.writers.split(',').map((w) => Math.floor(positive('writers', w)));
const feedEvents = Math.floor(positive('feed-events', args['feed-events']));
const groupCommitModes = args['group-commit'].split(',').map((mode) => {
  if (mode !== 'on' && mode !== 'off') throw new Error(`--group-commit: expected on or off, got ${mode}`);
  return mode;
});

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got ${raw}`);
  return n;
}

// ---------------------------------------------------------------- database lifecycle

const scratch = await createScratchDatabase('eventstore');
const connectionString = scratch.url;
const databaseName = scratch.name;
const serverUrl = new URL(connectionString);

// ---------------------------------------------------------------- events

const SCHEMA_VERSION = 1;

/** A ReservationHeld as the command API would write it (~200 bytes of data). */
function newEvent(writer: number): NewEvent {
  const now = Date.now();
  const data: ReservationHeld['data'] = {
    reservationId: randomUUID(),
    userId: `auth0|65f1c0de${String(writer).padStart(8, '0')}a1b2c3d4`,
    scheduleId: 'sch-2025-06-14-arena-main',
    seatIds: ['B-12', 'B-13', 'B-14'],
    amount: 38_700,
    expiresAt: new Date(now + 600_000).toISOString(),
  };
  return {
    type: 'ReservationHeld',
    data,
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      userId: data.userId,
      occurredAt: new Date(now).toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  };
}

// ---------------------------------------------------------------- CPU accounting

const pgIsLocal = ['127.0.0.1', 'localhost', '[::1]'].includes(serverUrl.hostname);
const clockTicks = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime+stime (clock ticks) of every local process named `postgres`; empty when not readable. */
function postgresCpuTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  if (!pgIsLocal) return ticks;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** Busy clock ticks of the whole machine (all cores), or undefined without /proc/stat. */
function hostBusyTicks(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  } catch {
    return undefined;
  }
}

interface CpuSample {
  at: number;
  node: NodeJS.CpuUsage;
  pg: Map<number, number>;
  host: number | undefined;
}

function sampleCpu(): CpuSample {
  return { at: performance.now(), node: process.cpuUsage(), pg: postgresCpuTicks(), host: hostBusyTicks() };
}

/** CPU use between two samples in % of one core (200 = two cores busy). */
function cpuBetween(
  a: CpuSample,
  b: CpuSample,
): { wallMs: number; nodePct: number; pgPct: number | undefined; hostPct: number | undefined } {
  const wallMs = b.at - a.at;
  const nodeUs = b.node.user - a.node.user + b.node.system - a.node.system;
  let pgTicks = 0;
  for (const [pid, t] of b.pg) pgTicks += t - (a.pg.get(pid) ?? 0);
  return {
    wallMs,
    nodePct: (nodeUs / 1000 / wallMs) * 100,
    pgPct: b.pg.size > 0 ? (((pgTicks / clockTicks) * 1000) / wallMs) * 100 : undefined,
    hostPct:
      a.host !== undefined && b.host !== undefined
        ? ((((b.host - a.host) / clockTicks) * 1000) / wallMs) * 100
        : undefined,
  };
}

// ---------------------------------------------------------------- write scenarios

type Outcome = { kind: 'ok'; appendMs: number; commandMs: number } | { kind: 'conflict' };
type WriterStep = () => Promise<Outcome>;

interface ScenarioResult {
  scenario: string;
  writers: number;
  pool: number;
  appendsPerSec: number;
  eventsPerSec: number;
  p50: number | undefined;
  p99: number | undefined;
  conflictPct: number | undefined;
  commandP50: number | undefined;
  commandP99: number | undefined;
  nodeCpuPct: number;
  pgCpuPct: number | undefined;
  hostCpuPct: number | undefined;
  /** Connections opened to the bench database during the scenario (pool growth plus replacements). */
  newConnections: number | undefined;
}

/** Sessions ever opened to the current database (PostgreSQL 14+), or undefined. */
async function sessionsOpened(store: PostgresEventStore): Promise<number | undefined> {
  try {
    const { rows } = await store.pool.query<{ n: string }>(
      'SELECT sessions::text AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return rows[0] ? Number(rows[0].n) : undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function runScenario(
  admin: PostgresEventStore,
  scenario: string,
  writers: number,
  poolCap: number,
  makeWriter: (writer: number, store: PostgresEventStore) => WriterStep,
  reportConflicts: boolean,
  groupCommit: 'on' | 'off',
): Promise<ScenarioResult> {
  const pool = Math.min(Math.max(writers, 1), poolCap);
  const sessionsBefore = await sessionsOpened(admin);
  const store = new PostgresEventStore({
    connectionString,
    maxConnections: pool,
    // Off: one unit a batch and as many batches as connections, i.e. one es_append per append.
    ...(groupCommit === 'off' ? { groupCommit: { maxInFlight: pool, maxStreams: 1 } } : {}),
  });
  try {
    const steps = Array.from({ length: writers }, (_, i) => makeWriter(i, store));
    const begin = performance.now();
    const recordFrom = begin + warmupMs;
    const recordTo = recordFrom + durationMs;
    let first: CpuSample | undefined = warmupMs === 0 ? sampleCpu() : undefined;

    const appendMs: number[] = [];
    const commandMs: number[] = [];
    let attempts = 0;
    let conflicts = 0;
    await Promise.all(
      steps.map(async (step) => {
        while (performance.now() < recordTo) {
          const outcome = await step();
          const now = performance.now();
          if (now < recordFrom || now > recordTo) continue;
          first ??= sampleCpu();
          attempts += 1;
          if (outcome.kind === 'conflict') {
            conflicts += 1;
          } else {
            appendMs.push(outcome.appendMs);
            commandMs.push(outcome.commandMs);
          }
        }
      }),
    );
    // CPU from the first completion in the window to the end of the last operation.
    const cpu = first ? cpuBetween(first, sampleCpu()) : { nodePct: NaN, pgPct: undefined, hostPct: undefined };
    appendMs.sort((a, b) => a - b);
    commandMs.sort((a, b) => a - b);
    const perSec = (appendMs.length / durationMs) * 1000;
    const sessionsAfter = await sessionsOpened(admin);
    return {
      scenario,
      writers,
      pool,
      appendsPerSec: perSec,
      eventsPerSec: perSec, // single-event appends
      p50: percentile(appendMs, 50),
      p99: percentile(appendMs, 99),
      conflictPct: reportConflicts ? (attempts ? (conflicts / attempts) * 100 : 0) : undefined,
      commandP50: percentile(commandMs, 50),
      commandP99: percentile(commandMs, 99),
      nodeCpuPct: cpu.nodePct,
      pgCpuPct: cpu.pgPct,
      hostCpuPct: cpu.hostPct,
      newConnections:
        sessionsBefore !== undefined && sessionsAfter !== undefined ? sessionsAfter - sessionsBefore : undefined,
    };
  } finally {
    await store.close();
  }
}

/** Each writer owns a stream and passes the exact revision it knows, as a command handler would. */
function distinctStreamWriter(tag: string) {
  return (writer: number, store: PostgresEventStore): WriterStep => {
    const streamId = reservationStreamId(`${tag}-w${writer}`);
    let expected: ExpectedRevision = 'no-stream';
    return async () => {
      const t0 = performance.now();
      const result = await store.append(streamId, [newEvent(writer)], expected);
      expected = result.nextExpectedRevision;
      const ms = performance.now() - t0;
      return { kind: 'ok', appendMs: ms, commandMs: ms };
    };
  };
}

/** All writers on one stream: read its revision, append expecting exactly it, retry on conflict. */
function hotStreamWriter(tag: string) {
  const streamId = concertStreamId(tag);
  return (writer: number, store: PostgresEventStore): WriterStep => {
    let commandStart: number | undefined;
    return async () => {
      commandStart ??= performance.now();
      const info = await store.streamInfo(streamId);
      const t0 = performance.now();
      try {
        await store.append(streamId, [newEvent(writer)], info.revision);
      } catch (err) {
        if (err instanceof WrongExpectedVersion) return { kind: 'conflict' };
        throw err;
      }
      const now = performance.now();
      const outcome: Outcome = { kind: 'ok', appendMs: now - t0, commandMs: now - commandStart };
      commandStart = undefined;
      return outcome;
    };
  };
}

/** All writers on one stream with `any`: no read, no conflict possible. */
function hotStreamAnyWriter(tag: string) {
  const streamId = concertStreamId(tag);
  return (writer: number, store: PostgresEventStore): WriterStep =>
    async () => {
      const t0 = performance.now();
      await store.append(streamId, [newEvent(writer)], 'any');
      const ms = performance.now() - t0;
      return { kind: 'ok', appendMs: ms, commandMs: ms };
    };
}

// ---------------------------------------------------------------- feed reads

interface ReadResult {
  label: string;
  events: number;
  ms: number;
  nodeCpuPct: number;
  pgCpuPct: number | undefined;
  hostCpuPct: number | undefined;
}

async function readWholeFeed(store: PostgresEventStore, batch: number, note = ''): Promise<ReadResult> {
  const before = sampleCpu();
  let after: GlobalPosition = START;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: batch });
    events += page.length;
    const lastEvent = page.at(-1);
    if (lastEvent) after = lastEvent.position;
    if (page.length < batch) break;
  }
  const cpu = cpuBetween(before, sampleCpu());
  return {
    label: `readAll, batches of ${formatNumber(batch)}${note}`,
    events,
    ms: cpu.wallMs,
    nodeCpuPct: cpu.nodePct,
    pgCpuPct: cpu.pgPct,
    hostCpuPct: cpu.hostPct,
  };
}

async function catchUpSubscription(batchSize: number | undefined): Promise<ReadResult> {
  const store = new PostgresEventStore({
    connectionString,
    maxConnections: 2,
    ...(batchSize ? { subscription: { batchSize } } : {}),
  });
  try {
    const before = sampleCpu();
    let events = 0;
    for await (const message of store.subscribeToAll()) {
      if (message.kind === 'caught-up') break;
      events += 1;
    }
    const cpu = cpuBetween(before, sampleCpu());
    return {
      label: `subscribeToAll until caught-up, batch ${batchSize ? formatNumber(batchSize) : '500 (default)'}`,
      events,
      ms: cpu.wallMs,
      nodeCpuPct: cpu.nodePct,
      pgCpuPct: cpu.pgPct,
      hostCpuPct: cpu.hostPct,
    };
  } finally {
    await store.close();
  }
}

/** Appends 100-event batches from 8 writers until the feed holds `total` events. */
async function fillFeed(store: PostgresEventStore, have: number, total: number): Promise<void> {
  let remaining = total - have;
  if (remaining <= 0) return;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      const streamId = reservationStreamId(`fill-w${w}`);
      let expected: ExpectedRevision = 'no-stream';
      while (remaining > 0) {
        const n = Math.min(100, remaining);
        remaining -= n;
        const events = Array.from({ length: n }, () => newEvent(w));
        expected = (await store.append(streamId, events, expected)).nextExpectedRevision;
      }
    }),
  );
  const ms = performance.now() - started;
  console.log(
    `filled the feed with ${formatNumber(total - have)} events in ${formatNumber(ms / 1000, 1)} s ` +
      `(100-event appends, 8 writers: ${formatNumber(((total - have) / ms) * 1000)} events/s)`,
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const admin = new PostgresEventStore({ connectionString, maxConnections: 8 });
  try {
    const setting = async (name: string): Promise<string> =>
      (await admin.pool.query<{ setting: string }>('SELECT current_setting($1) AS setting', [name])).rows[0]?.setting ??
      '?';
    const maxConnections = Number(await setting('max_connections'));
    const reserved = Number(await setting('superuser_reserved_connections'));
    const { rows: activity } = await admin.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity');
    const inUse = activity[0]?.n ?? 0;
    // Leave room for the admin pool, LISTEN connections, other sessions and reserved slots.
    const poolCap = Math.max(1, Math.min(POOL_CAP, maxConnections - reserved - inUse - 12));

    const sample = newEvent(0);
    const cpus = os.cpus();
    console.log('PostgreSQL event store benchmark');
    console.log(
      `  machine:   ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${formatNumber(os.totalmem() / 2 ** 30, 1)} GiB RAM, node ${process.version}`,
    );
    console.log(
      `  postgres:  ${await setting('server_version')} at ${serverUrl.host}${pgIsLocal ? ' (same machine)' : ''}, db ${databaseName}`,
    );
    console.log(
      `  settings:  max_connections=${maxConnections} (in use ${inUse}), shared_buffers=${await setting('shared_buffers')}, ` +
        `synchronous_commit=${await setting('synchronous_commit')}, fsync=${await setting('fsync')}, pool cap=${poolCap}`,
    );
    console.log(
      `  run:       ${durationMs / 1000} s per scenario after ${warmupMs / 1000} s warm-up; ` +
        `event data ${JSON.stringify(sample.data).length} B, metadata ${JSON.stringify(sample.metadata).length} B`,
    );
    console.log(
      `  cpu:       % of one core over the measured window (max ${cpus.length * 100}); node = this process, ` +
        'pg = all local postgres processes, host = whole machine (other load shows as host >> node + pg)\n',
    );

    const results: ScenarioResult[] = [];
    const scenarios = [
      { key: 'distinct', name: 'distinct streams, exact revision', make: distinctStreamWriter, conflicts: false },
      { key: 'hot', name: 'hot stream, read + exact revision', make: hotStreamWriter, conflicts: true },
      { key: 'hot-any', name: 'hot stream, any', make: hotStreamAnyWriter, conflicts: false },
    ].filter((s) => scenarioKeys.has(s.key));
    let run = 0;
    for (const s of scenarios) {
      for (const writers of writerCounts) {
        for (const mode of groupCommitModes) {
          run += 1;
          const name = groupCommitModes.length > 1 ? `${s.name}, group commit ${mode}` : s.name;
          process.stdout.write(`running: ${name}, ${writers} writers ... `);
          const r = await runScenario(admin, name, writers, poolCap, s.make(`bench${run}`), s.conflicts, mode);
          console.log(`${formatNumber(r.appendsPerSec)} appends/s`);
          results.push(r);
        }
      }
    }

    process.stdout.write('running: baseline, plain single-row INSERT commits, 16 connections ... ');
    const plainInserts = await plainInsertRate(connectionString, 16, durationMs / 1000);
    console.log(`${formatNumber(plainInserts)} commits/s`);

    const { rows: counted } = await admin.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    const written = counted[0]?.n ?? 0;
    await fillFeed(admin, written, feedEvents);
    const total = Math.max(written, feedEvents);

    process.stdout.write('reading the feed ... ');
    const reads: ReadResult[] = [];
    // The first scan after the writes also sets hint bits on every new row (it dirties the pages).
    reads.push(await readWholeFeed(admin, 1_000, ' (first pass after writes)'));
    for (const batch of [1_000, 5_000]) reads.push(await readWholeFeed(admin, batch));
    reads.push(await catchUpSubscription(undefined));
    reads.push(await catchUpSubscription(1_000));
    console.log('done\n');

    const pct = (n: number | undefined): string => formatNumber(n, 0);
    const ms = (n: number | undefined): string => formatNumber(n, 2);
    console.log(
      formatTable(
        [
          'scenario',
          'writers',
          'pool',
          'appends/s',
          'events/s',
          'p50 ms',
          'p99 ms',
          'conflicts %',
          'node cpu',
          'pg cpu',
          'host cpu',
          'new conns',
        ],
        results.map((r) => [
          r.scenario,
          String(r.writers),
          String(r.pool),
          formatNumber(r.appendsPerSec),
          formatNumber(r.eventsPerSec),
          ms(r.p50),
          ms(r.p99),
          r.conflictPct === undefined ? '-' : formatNumber(r.conflictPct, 1),
          pct(r.nodeCpuPct),
          pct(r.pgCpuPct),
          pct(r.hostCpuPct),
          formatNumber(r.newConnections),
        ]),
      ),
    );
    const hot = results.filter((r) => r.conflictPct !== undefined);
    if (hot.length) {
      console.log('\nhot stream, whole command (streamInfo + append, retried until success):');
      for (const r of hot)
        console.log(`  ${r.writers} writers: p50 ${ms(r.commandP50)} ms, p99 ${ms(r.commandP99)} ms`);
    }

    console.log(`\nglobal feed read (${formatNumber(total)} events in the feed):`);
    console.log(
      formatTable(
        ['read', 'events', 'seconds', 'events/s', 'node cpu', 'pg cpu', 'host cpu'],
        reads.map((r) => [
          r.label,
          formatNumber(r.events),
          formatNumber(r.ms / 1000, 2),
          formatNumber((r.events / r.ms) * 1000),
          pct(r.nodeCpuPct),
          pct(r.pgCpuPct),
          pct(r.hostCpuPct),
        ]),
      ),
    );

    console.log('\ntargets (informational, not asserted):');
    const d16 = results.find(
      (r) => r.scenario.startsWith('distinct') && !r.scenario.endsWith('group commit off') && r.writers === 16,
    );
    console.log(
      `  single-event appends, 16 writers, distinct streams: ` +
        (d16
          ? `${formatNumber(d16.appendsPerSec)} /s vs target >= ${formatNumber(TARGET_DISTINCT_16)} /s -> ${d16.appendsPerSec >= TARGET_DISTINCT_16 ? 'met' : 'BELOW'}`
          : 'not run (add 16 to --writers)'),
    );
    console.log(
      `  same-run baseline: plain single-row INSERT commits, 16 connections: ${formatNumber(plainInserts)} /s` +
        (d16 ? ` (appends reach ${formatNumber((d16.appendsPerSec / plainInserts) * 100)}% of it)` : ''),
    );
    for (const r of reads) {
      const rate = (r.events / r.ms) * 1000;
      console.log(
        `  feed read, ${r.label}: ${formatNumber(rate)} events/s vs target >= ${formatNumber(TARGET_FEED_READ)} -> ${rate >= TARGET_FEED_READ ? 'met' : 'BELOW'}`,
      );
    }
  } finally {
    await admin.close();
  }
}

try {
  await main();
  await scratch.drop();
} catch (err) {
  console.error('\nbenchmark failed:', err);
  await scratch.drop();
  process.exit(1);
}
