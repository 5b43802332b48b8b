/**
 * `npm run bench:relay`: the relay alone (event store feed -> JetStream), in this process.
 *
 *   npm run bench:relay -- [--events 200000] [--rate 2000] [--seconds 10] [--profile]
 *
 * 1. Bulk-fills a scratch database with --events events of the realistic mix (bulk-fill-events.ts),
 *    then starts one Relay on a stream of its own and times it from start until the stream holds
 *    every event. No projector runs, so this is the relay's own ceiling (bench:projections runs
 *    the relay in the projectors process, sharing its CPU with the six projectors).
 * 2. Then appends one event at a time at a steady --rate for --seconds and measures, per event,
 *    the time from its append's commit until a plain subscriber sees it on NATS: the relay's lag
 *    with no projector transaction open on this database (compare bench:projections' lag
 *    commit -> NATS; transactions of other databases on the server still count, xid8 rule).
 * `--profile` records a CPU profile of phase 1 (node:inspector) and prints where its time went.
 * The stream and the database are removed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Relay } from '@concert/projectors';
import {
  PostgresEventStore,
  Registry,
  allEventsSubject,
  connectNats,
  createLogger,
  ensureEventStream,
  loadConfig,
} from '@concert/infra';
import knexFactory from 'knex';
import { bulkFillEvents } from './bulk-fill-events.js';
import { cpuProfileByPackage } from './cpu-profile-by-package.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { percentile } from './latency.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const TARGET_EVENTS_PER_SECOND = 10_000;
const POLL_MS = 20;
const TICK_METADATA = {
  correlationId: 'bench-relay',
  causationId: 'bench-relay',
  occurredAt: '2026-01-01T00:00:00.000Z',
  schemaVersion: 1,
};

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
  },
});
const totalEvents = Number(args.events);
const rate = Number(args.rate);
const steadySeconds = Number(args.seconds);
if ([totalEvents, rate, steadySeconds].some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('--events, --rate and --seconds must be positive integers');
  process.exit(2);
}

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const runId = randomBytes(4).toString('hex');
const streamName = `BENCH_RELAY_${runId}`;
const subjectPrefix = `bench_relay_${runId}`;
const scratch = await createScratchDatabase('relay');
const nc = await connectNats(config.NATS_URL, 'bench-relay');
const jsm = await nc.jetstreamManager();
const store = new PostgresEventStore({ connectionString: scratch.url, maxConnections: 4 });
const knex = knexFactory({ client: 'pg', connection: scratch.url, pool: { min: 0, max: 2 } });
let relay: Relay | undefined;
try {
  const fill = await bulkFillEvents({ databaseUrl: scratch.url, events: totalEvents });
  console.log(`generated ${formatNumber(fill.events)} events in ${fill.seconds.toFixed(1)} s; starting the relay`);
  await ensureEventStream(jsm, { stream: streamName, subjectPrefix, maxAgeHours: 1 });

  const session = args.profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  relay = new Relay({
    eventStore: store,
    nc,
    jsm,
    knex,
    lockConnectionString: scratch.url,
    stream: streamName,
    subjectPrefix,
    logger: createLogger(config, 'bench-relay'),
    registry: new Registry(),
  });
  relay.start();
  for (;;) {
    const info = await jsm.streams.info(streamName);
    if (info.state.last_seq >= fill.events) break;
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  let profileFile: string | undefined;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    profileFile = join(mkdtempSync(join(os.tmpdir(), 'relay-profile-')), 'relay.cpuprofile');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
  const lags = await steadyLag(fill.events);
  console.log(
    formatTable(
      ['', 'measured', 'target'],
      [
        ['events relayed', formatNumber(fill.events), ''],
        ['seconds (relay start -> all in the stream)', formatNumber(seconds, 2), ''],
        ['relay events/s', formatNumber(fill.events / seconds), `>= ${formatNumber(TARGET_EVENTS_PER_SECOND)}`],
        [
          'CPU of this process (% core)',
          formatNumber(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100, 0),
          '',
        ],
        ['load average (1 min)', os.loadavg()[0]!.toFixed(2), ''],
        [
          `steady ${formatNumber(rate)} events/s for ${steadySeconds} s: events seen on NATS`,
          formatNumber(lags.length),
          formatNumber(rate * steadySeconds),
        ],
        [
          'lag commit -> NATS p50 / p99 / max (ms)',
          `${formatNumber(percentile(lags, 50), 1)} / ${formatNumber(percentile(lags, 99), 1)} / ${formatNumber(lags.at(-1), 1)}`,
          '',
        ],
      ],
    ),
  );
  if (profileFile) {
    console.log(`\nrelay CPU profile (${profileFile}), self time by package:`);
    for (const line of cpuProfileByPackage(profileFile)) console.log(`  ${line}`);
    console.log('by function:');
    for (const line of summarizeCpuProfile(profileFile, 25)) console.log(`  ${line}`);
  }
} finally {
  await relay?.stop();
  await jsm.streams.delete(streamName).catch(() => undefined);
  await nc.close();
  await knex.destroy();
  await store.close();
  await scratch.drop();
}

/**
 * Appends one event per append at `rate` for `steadySeconds` (ticks of 10 ms) and returns, sorted,
 * each event's time from its commit until it was seen on NATS.
 */
async function steadyLag(streamOffset: number): Promise<number[]> {
  const committedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const subscription = nc.subscribe(allEventsSubject(subjectPrefix), {
    callback: (_error, msg) => {
      const id = msg.headers?.get('Nats-Msg-Id');
      if (id) seenAt.set(id, performance.now());
    },
  });
  await nc.flush();
  const perTick = rate / 100;
  const appends: Promise<void>[] = [];
  const started = performance.now();
  for (let tick = 0; tick < steadySeconds * 100; tick++) {
    await sleep(Math.max(0, started + tick * 10 - performance.now()));
    for (let i = 0; i < perTick; i++) {
      const id = randomUUID();
      const n = tick * perTick + i;
      appends.push(
        store
          .append(`benchtick-${n % 64}`, [{ id, type: 'BenchTick', data: { n }, metadata: TICK_METADATA }], 'any')
          .then(() => void committedAt.set(id, performance.now())),
      );
    }
  }
  await Promise.all(appends);
  const deadline = performance.now() + 10_000;
  while (seenAt.size < committedAt.size && performance.now() < deadline) await sleep(50);
  subscription.unsubscribe();
  const info = await jsm.streams.info(streamName);
  if (info.state.last_seq < streamOffset + committedAt.size) console.error('not every steady event reached NATS');
  return [...committedAt]
    .flatMap(([id, at]) => {
      const seen = seenAt.get(id);
      return seen === undefined ? [] : [Math.max(0, seen - at)];
    })
    .sort((a, b) => a - b);
}
