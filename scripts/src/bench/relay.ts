/**
 * `npm run bench:relay`: the relay alone (event store feed -> JetStream), in this process.
 *
 *   npm run bench:relay -- [--events 200000] [--profile]
 *
 * Bulk-fills a scratch database with --events events of the realistic mix (bulk-fill-events.ts),
 * then starts one Relay on a stream of its own and times it from start until the stream holds
 * every event. No projector runs, so this is the relay's own ceiling (bench:projections runs the
 * relay in the projectors process, sharing its CPU with the six projectors). `--profile` records
 * a CPU profile of the relay's run (node:inspector) and prints where its time went. The stream
 * and the database are removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Relay } from '@concert/projectors';
import { PostgresEventStore, Registry, connectNats, createLogger, ensureEventStream, loadConfig } from '@concert/infra';
import knexFactory from 'knex';
import { bulkFillEvents } from './bulk-fill-events.js';
import { cpuProfileByPackage } from './cpu-profile-by-package.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const TARGET_EVENTS_PER_SECOND = 10_000;
const POLL_MS = 20;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    profile: { type: 'boolean', default: false },
  },
});
const totalEvents = Number(args.events);
if (!Number.isInteger(totalEvents) || totalEvents < 1) {
  console.error('--events must be a positive integer');
  process.exit(2);
}

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const runId = randomBytes(4).toString('hex');
const stream = `BENCH_RELAY_${runId}`;
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
  await ensureEventStream(jsm, { stream, subjectPrefix, maxAgeHours: 1 });

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
    stream,
    subjectPrefix,
    logger: createLogger(config, 'bench-relay'),
    registry: new Registry(),
  });
  relay.start();
  for (;;) {
    const info = await jsm.streams.info(stream);
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
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await knex.destroy();
  await store.close();
  await scratch.drop();
}
