/**
 * `npm run bench:gateway`: what the gateway costs, in one run (issue 5).
 * Starts command-api, query-api, the projectors and the gateway (gateway/src/main.ts) as
 * processes on a scratch database, JetStream stream and Redis prefix, then measures:
 * (a) the waiting room through the gateway: `--users` (20,000) users enter one concert, then
 *     status polls for `--poll-seconds` (10) by `--clients` (100) concurrent clients, while
 *     nearly all of them still wait (the cap QUEUE_MAX_ADMITTED stops admissions at 1,000);
 * (b) holds through the gateway (JWT, rate limits, queue token, proxy) versus straight to
 *     command-api: the same `--holds` (20,000) skewed attempts from `--hold-clients` (200) users
 *     on fresh schedules, in the order direct, gateway, gateway, direct so drift cancels out,
 *     after `--warm-up` (3,000) attempts each way on a schedule of their own (the JIT).
 * Rate limits are raised so they never refuse (they still run). Targets: polling >= 5,000/s,
 * the gateway adds < 25% to the hold p99. `--profile` prints where the gateway's CPU time went
 * (by function and by package); `--holds-only` skips (a), so that profile is of the holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  connectNats,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  migrateIdempotencyDatabase,
  redisReady,
  signDevToken,
} from '@concert/infra';
import { bareExpressBaseline, type HttpBaseline } from './baselines.js';
import { cpuProfileByPackage } from './cpu-profile-by-package.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { percentile } from './latency.js';
import { cpuPercent, sampleNamed, samplePids, type CpuSample } from './process-cpu.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '100' },
    'poll-seconds': { type: 'string', default: '10' },
    holds: { type: 'string', default: '20000' },
    'hold-clients': { type: 'string', default: '200' },
    'warm-up': { type: 'string', default: '3000' },
    seats: { type: 'string', default: '2000' },
    port: { type: 'string', default: '18400' },
    // Another gateway entry point (a composition under test); the table says which ran.
    'gateway-entry': { type: 'string', default: 'gateway/src/main.ts' },
    profile: { type: 'boolean', default: false },
    // Phase (a) and the bare-express baseline only (a quicker loop while working on polls).
    'polls-only': { type: 'boolean', default: false },
    // Phase (b) only (a quicker loop, and a profile of the holds alone, while working on holds).
    'holds-only': { type: 'boolean', default: false },
  },
});
const userCount = Number(args.users);
const clients = Number(args.clients);
const pollSeconds = Number(args['poll-seconds']);
const holdAttempts = Number(args.holds);
const warmUpAttempts = Number(args['warm-up']);
const holdClients = Number(args['hold-clients']);
const seatCount = Number(args.seats);
const basePort = Number(args.port);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const run = randomBytes(4).toString('hex');
const ports = {
  command: basePort,
  query: basePort + 1,
  projectors: basePort + 2,
  gateway: basePort + 3,
  gatewayAdmin: basePort + 4,
};
const urls = {
  command: `http://127.0.0.1:${ports.command}`,
  query: `http://127.0.0.1:${ports.query}`,
  projectors: `http://127.0.0.1:${ports.projectors}`,
  gateway: `http://127.0.0.1:${ports.gateway}`,
  gatewayAdmin: `http://127.0.0.1:${ports.gatewayAdmin}`,
};
const scratch = await createScratchDatabase('gateway');
await migrateIdempotencyDatabase(scratch.url);
const env: Record<string, string> = {
  DATABASE_URL: scratch.url,
  NATS_STREAM: `BENCH_GATEWAY_${run}`,
  NATS_SUBJECT_PREFIX: `bench_gateway_${run}`,
  REDIS_KEY_PREFIX: `bench:gateway:${run}:`,
  COMMAND_API_PORT: String(ports.command),
  QUERY_API_PORT: String(ports.query),
  PROJECTORS_PORT: String(ports.projectors),
  GATEWAY_PORT: String(ports.gateway),
  GATEWAY_ADMIN_PORT: String(ports.gatewayAdmin),
  COMMAND_API_URLS: urls.command,
  QUERY_API_URLS: urls.query,
  // Measured, never refusing: the limiter still does its Redis work on every request.
  RATE_LIMIT_POLLS_PER_MINUTE: '100000000',
  RATE_LIMIT_COMMANDS_PER_MINUTE: '100000000',
  // The hold clients are admitted within a second or two; the 20,000 stop at the cap.
  QUEUE_ADMIT_PER_SECOND: '200',
  QUEUE_MAX_ADMITTED: '1000',
  LOG_LEVEL: 'warn',
};
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'gateway-profile-')) : undefined;
const children: ChildProcess[] = [];
const dispatcher = new Agent({ connections: Math.max(clients, holdClients) * 2, keepAliveTimeout: 30_000 });
const admin = signDevToken(config, { userId: 'bench-admin', roles: ['admin'], expiresInSeconds: 7200 });

interface Timed {
  status: number;
  ms: number;
  body: Record<string, unknown>;
}

// Signed before any connection opens: seconds of synchronous signing would let the servers
// close idle keep-alive sockets under the client's feet.
const users = Array.from({ length: args['holds-only'] ? 0 : userCount }, (_, i) => ({
  token: signDevToken(config, { userId: `waiting-${i}`, roles: [], expiresInSeconds: 7200 }),
  entryId: '',
}));

try {
  console.log(
    `starting command-api, query-api, projectors (ports ${ports.command}-${ports.projectors}) and the gateway (${ports.gateway})...`,
  );
  await Promise.all([
    start('command-api/src/main.ts', urls.command),
    start('query-api/src/main.ts', urls.query),
    start('projectors/src/main.ts', urls.projectors),
  ]);
  await start(args['gateway-entry'], urls.gateway, profileDir);

  console.log('creating the concerts and schedules, waiting for the read models...');
  const queueConcert = await createConcert('Queue bench');
  const holdConcert = await createConcert('Holds bench');
  const holdSchedules = [];
  // A warm-up schedule for each path, then one for each timed run.
  for (let i = 0; i < 6; i++) holdSchedules.push(await createSchedule(holdConcert));
  await untilProjected(queueConcert, holdConcert, holdSchedules);

  // ---- (a) the waiting room through the gateway ----
  const polled = args['holds-only'] ? undefined : await pollPhase(queueConcert);

  // ---- (b) holds: direct versus through the gateway ----
  const held = args['polls-only'] ? undefined : await holdPhase(holdConcert, holdSchedules);
  console.log(
    `baselines: a bare express JSON route, ${holdClients} clients, 5 s, directly and through a bare proxy...`,
  );
  const bareExpress = await bareExpressBaseline(holdClients, 5);
  const bareProxied = await bareExpressBaseline(holdClients, 5, 2);
  console.log(
    `\ngateway (${args['gateway-entry']}): one process each of gateway, command-api, query-api, projectors; PostgreSQL event store; load generator on the same cores`,
  );
  console.log(
    formatTable(
      ['measure', 'value', 'target'],
      [
        ...(polled === undefined ? [] : pollRows(polled, queueConcert)),
        ...baselineRows(holdClients, bareExpress, bareProxied),
        ...(held === undefined ? [] : holdRows(held.direct, held.viaGateway, held.cpuMsPerHold, held.processShares)),
      ],
    ),
  );
  if (profileDir) {
    // The profile is written when the process exits.
    await Promise.all(children.map(stop));
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      console.log(`\ngateway CPU profile (${join(profileDir, file)}), self time:`);
      for (const line of summarizeCpuProfile(join(profileDir, file), 25)) console.log(`  ${line}`);
      console.log('by package:');
      for (const line of cpuProfileByPackage(join(profileDir, file), 15)) console.log(`  ${line}`);
    }
  }
} finally {
  await Promise.all(children.map(stop));
  await dispatcher.close();
  const nc = await connectNats(config.NATS_URL, 'bench-gateway-cleanup').catch(() => undefined);
  await (await nc?.jetstreamManager())?.streams.delete(env.NATS_STREAM!).catch(() => false);
  await nc?.close();
  // Ready first: without an offline queue, a command sent before the connection fails.
  const redis = createRedis({ url: config.REDIS_URL });
  await redisReady(redis, 5000)
    .then(() => deleteKeysWithPrefix(redis, env.REDIS_KEY_PREFIX!))
    .then((n) => console.log(`deleted ${formatNumber(n)} Redis keys under ${env.REDIS_KEY_PREFIX}`))
    .catch((error: unknown) => console.error(`could not delete the Redis keys under ${env.REDIS_KEY_PREFIX}:`, error));
  redis.disconnect();
  await scratch.drop();
}

interface PollPhase {
  entered: number;
  entering: LoadResult;
  polling: LoadResult;
  pollStatuses: Map<string, number>;
  metrics: string;
  cpuMsPerPoll: number;
}

/** (a) the waiting room: every user enters the queue concert, then status polls while they wait. */
async function pollPhase(queueConcert: string): Promise<PollPhase> {
  const probe = await call('POST', urls.gateway, '/queue/entries', users[0]!.token, { concertId: queueConcert });
  if (probe.status !== 202) {
    throw new Error(
      `the gateway does not serve the waiting room (POST /queue/entries: ${probe.status} ${JSON.stringify(probe.body)}); is it wired in gateway/src/main.ts?`,
    );
  }
  console.log(
    `(a) ${formatNumber(userCount)} users enter concert ${queueConcert} through the gateway, ${clients} at a time...`,
  );
  const entering = await load(clients, userCount, async (i) => {
    const user = users[i]!;
    const answer = await call('POST', urls.gateway, '/queue/entries', user.token, { concertId: queueConcert });
    if (answer.status === 202) user.entryId = String(answer.body.entryId);
    return answer;
  });
  const entered = users.filter((u) => u.entryId !== '');

  console.log(
    `(a) status polls for ${pollSeconds} s, ${clients} clients, random users among ${formatNumber(entered.length)}...`,
  );
  const pollStatuses = new Map<string, number>();
  const cpuBefore = await gatewayCpuSeconds();
  const polling = await loadFor(clients, pollSeconds * 1000, async () => {
    const user = entered[Math.floor(Math.random() * entered.length)]!;
    const answer = await call('GET', urls.gateway, `/queue/entries/${user.entryId}`, user.token);
    const status = String(answer.body.status ?? answer.body.code);
    pollStatuses.set(status, (pollStatuses.get(status) ?? 0) + 1);
    return answer;
  });
  const metrics = await (await undiciFetch(`${urls.gatewayAdmin}/metrics`, { dispatcher })).text();
  // The gateway process's own CPU time (user + system) over the polls, per poll answered.
  const cpuMsPerPoll =
    ((metricValue(metrics, 'process_cpu_seconds_total') - cpuBefore) * 1000) / polling.latencies.length;
  return { entered: entered.length, entering, polling, pollStatuses, metrics, cpuMsPerPoll };
}

function pollRows(polled: PollPhase, queueConcert: string): string[][] {
  return [
    ['(a) users in the queue concert', formatNumber(polled.entered), formatNumber(userCount)],
    [
      '(a) still waiting while polled (gateway gauge)',
      formatNumber(metricMax(polled.metrics, 'queue_waiting_users', queueConcert)),
      '',
    ],
    ['(a) entries/s', formatNumber(polled.entering.rate), ''],
    ['(a) entry p50 / p99 (ms)', pair(polled.entering.latencies), ''],
    ['(a) entry answers', statusList(polled.entering.statuses), '202 only'],
    ['(a) status polls/s', formatNumber(polled.polling.rate), '>= 5,000'],
    ['(a) status poll p50 / p99 (ms)', pair(polled.polling.latencies), ''],
    ['(a) gateway CPU per status poll (ms, process CPU / polls)', formatNumber(polled.cpuMsPerPoll, 3), ''],
    ['(a) status poll answers', statusList(polled.polling.statuses), '200 only'],
    [
      '(a) statuses seen',
      [...polled.pollStatuses.entries()].map(([s, n]) => `${s} x${formatNumber(n)}`).join(', '),
      '',
    ],
  ];
}

interface Holder {
  token: string;
  queueToken: string;
}

/** Each hold client is a user admitted to the concert, with its queue token. */
async function admitHolders(concertId: string): Promise<Holder[]> {
  const holders = await Promise.all(
    Array.from({ length: holdClients }, async (_, i) => {
      const token = signDevToken(config, { userId: `holder-${i}`, roles: [], expiresInSeconds: 7200 });
      const entered = await call('POST', urls.gateway, '/queue/entries', token, { concertId });
      if (entered.status !== 202) throw new Error(`enter: ${entered.status} ${JSON.stringify(entered.body)}`);
      return { token, entryId: String(entered.body.entryId), queueToken: '' };
    }),
  );
  const deadline = Date.now() + 60_000;
  while (holders.some((h) => h.queueToken === '')) {
    if (Date.now() > deadline) throw new Error('hold clients were not admitted within 60 s');
    await Promise.all(
      holders
        .filter((h) => h.queueToken === '')
        .map(async (h) => {
          const status = await call('GET', urls.gateway, `/queue/entries/${h.entryId}`, h.token);
          if (typeof status.body.queueToken === 'string') h.queueToken = status.body.queueToken;
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return holders;
}

interface LoadResult {
  rate: number;
  latencies: number[];
  /** Answers by status, with the problem code of refusals (`503 unavailable`). */
  statuses: Map<string, number>;
}

/** `count` operations, `concurrency` at a time. */
async function load(concurrency: number, count: number, operation: (i: number) => Promise<Timed>): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const answer = await operation(next++);
        latencies.push(answer.ms);
        const label = answerLabel(answer);
        statuses.set(label, (statuses.get(label) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: latencies.length / seconds, latencies: latencies.sort((a, b) => a - b), statuses };
}

/** Operations for `ms`, `concurrency` at a time. */
async function loadFor(concurrency: number, ms: number, operation: () => Promise<Timed>): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < ms) {
        const answer = await operation();
        latencies.push(answer.ms);
        const label = answerLabel(answer);
        statuses.set(label, (statuses.get(label) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: latencies.length / seconds, latencies: latencies.sort((a, b) => a - b), statuses };
}

/** One hold per pick, by the hold clients in turn; through the gateway with the queue token. */
function holds(
  base: string,
  scheduleId: string,
  picks: readonly string[][],
  holders: readonly Holder[],
  viaGateway: boolean,
): Promise<LoadResult> {
  return load(holders.length, picks.length, async (i) => {
    const holder = holders[i % holders.length]!;
    return call(
      'POST',
      base,
      '/reservations',
      holder.token,
      { scheduleId, seatIds: picks[i]! },
      viaGateway ? { 'queue-token': holder.queueToken } : {},
    );
  });
}

/** (b) holds: direct versus through the gateway, in the order direct, gateway, gateway, direct. */
async function holdPhase(
  holdConcert: string,
  holdSchedules: readonly string[],
): Promise<{
  direct: LoadResult;
  viaGateway: LoadResult;
  cpuMsPerHold: number;
  processShares: ReadonlyArray<readonly [string, number | undefined]>;
}> {
  console.log(`(b) ${holdClients} hold clients enter concert ${holdConcert} and wait for admission...`);
  const holders = await admitHolders(holdConcert);
  const picks = seatPicks(holdAttempts, seatCount);
  const [warmUpDirect, warmUpGateway, d1, g1, g2, d2] = holdSchedules as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  // Long enough for the JIT to have compiled both paths' 201 and 409 answers: with 200 holds each
  // way, the first run's first seconds were a fraction of its steady rate, and were its p99.
  console.log(`(b) warm-up: ${formatNumber(warmUpAttempts)} attempts each way...`);
  const warmUpPicks = seatPicks(warmUpAttempts, seatCount);
  await holds(urls.command, warmUpDirect, warmUpPicks, holders, false);
  await holds(urls.gateway, warmUpGateway, warmUpPicks, holders, true);
  const half = Math.floor(holdAttempts / 2);
  console.log(
    `(b) ${formatNumber(holdAttempts)} hold attempts each way, ${holdClients} clients: direct, gateway, gateway, direct...`,
  );
  const direct1 = await holds(urls.command, d1, picks.slice(0, half), holders, false);
  const cpuBefore = await gatewayCpuSeconds();
  const processesBefore = processCpuSamples();
  const gateway1 = await holds(urls.gateway, g1, picks.slice(0, half), holders, true);
  const gateway2 = await holds(urls.gateway, g2, picks.slice(half), holders, true);
  const processesAfter = processCpuSamples();
  const processShares = processesAfter.map(
    ([name, sample], i) => [name, cpuPercent(processesBefore[i]![1], sample)] as const,
  );
  // The gateway process's own CPU time (user + system) over its two runs, per hold answered.
  const cpuMsPerHold =
    (((await gatewayCpuSeconds()) - cpuBefore) * 1000) / (gateway1.latencies.length + gateway2.latencies.length);
  const direct2 = await holds(urls.command, d2, picks.slice(half), holders, false);
  return { direct: merge(direct1, direct2), viaGateway: merge(gateway1, gateway2), cpuMsPerHold, processShares };
}

/**
 * The same-run baselines: a bare express route directly and through a bare proxy process. The
 * second shows the least a hop costs here; its p99 ratio is the floor under the gateway's.
 */
function baselineRows(clients: number, direct: HttpBaseline, proxied: HttpBaseline): string[][] {
  const latency = ({ p50, p99 }: HttpBaseline) => `${formatNumber(p50, 1)} / ${formatNumber(p99, 1)}`;
  return [
    [`same-run baseline: bare express JSON route, ${clients} clients (req/s)`, formatNumber(direct.rate), ''],
    ['same-run baseline: bare express route, p50 / p99 (ms)', latency(direct), ''],
    ['same-run baseline: the route through a bare undici proxy (req/s)', formatNumber(proxied.rate), ''],
    ['same-run baseline: through the bare proxy, p50 / p99 (ms)', latency(proxied), ''],
    ['same-run baseline: bare proxy CPU per answer (ms)', formatNumber(proxied.cpuMsPerAnswer, 3), ''],
    ['same-run baseline: p99 ratio bare proxy / bare route', formatNumber(proxied.p99 / direct.p99, 2), ''],
  ];
}

function holdRows(
  direct: LoadResult,
  viaGateway: LoadResult,
  cpuMsPerHold: number,
  processShares: ReadonlyArray<readonly [string, number | undefined]>,
): string[][] {
  return [
    ['(b) direct: holds/s (all answers)', formatNumber(direct.rate), ''],
    ['(b) direct: p50 / p99 (ms)', pair(direct.latencies), ''],
    ['(b) direct: answers', statusList(direct.statuses), '201, 409'],
    ['(b) gateway: holds/s (all answers)', formatNumber(viaGateway.rate), ''],
    ['(b) gateway: p50 / p99 (ms)', pair(viaGateway.latencies), ''],
    ['(b) gateway: answers', statusList(viaGateway.statuses), '201, 409'],
    ['(b) gateway CPU per hold (ms, process CPU / holds)', formatNumber(cpuMsPerHold, 3), ''],
    [
      '(b) CPU while holding through the gateway, % of a core',
      processShares.map(([name, share]) => `${name} ${share === undefined ? '-' : formatNumber(share)}`).join(', '),
      '',
    ],
    [
      '(b) p50 ratio gateway / direct',
      formatNumber(percentile(viaGateway.latencies, 50) / percentile(direct.latencies, 50), 2),
      '',
    ],
    [
      '(b) p99 ratio gateway / direct',
      formatNumber(percentile(viaGateway.latencies, 99) / percentile(direct.latencies, 99), 2),
      '< 1.25',
    ],
  ];
}

/** CPU ticks of each process of the run (by its entry's folder), the services it uses and this load generator. */
function processCpuSamples(): Array<[string, CpuSample]> {
  return [
    ...children.map((child): [string, CpuSample] => [
      /([a-z-]+)\/src\/main\.ts$/.exec(child.spawnargs.at(-1) ?? '')?.[1] ?? 'child',
      samplePids(child.pid === undefined ? [] : [child.pid]),
    ]),
    ['PostgreSQL', sampleNamed('postgres')],
    ['Redis', sampleNamed('redis-server')],
    ['NATS', sampleNamed('nats-server')],
    ['load generator', samplePids([process.pid])],
  ];
}

/** The gateway's process CPU time so far (seconds), from its admin /metrics. */
async function gatewayCpuSeconds(): Promise<number> {
  const text = await (await undiciFetch(`${urls.gatewayAdmin}/metrics`, { dispatcher })).text();
  return metricValue(text, 'process_cpu_seconds_total');
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').pop());
}

function merge(a: LoadResult, b: LoadResult): LoadResult {
  const statuses = new Map(a.statuses);
  for (const [status, n] of b.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  const count = a.latencies.length + b.latencies.length;
  // The rate over both halves: total answers over total time.
  const seconds = a.latencies.length / a.rate + b.latencies.length / b.rate;
  return { rate: count / seconds, latencies: [...a.latencies, ...b.latencies].sort((x, y) => x - y), statuses };
}

/** Front rows are wanted most: seat index ~ n * u^3; one to four adjacent seats. The same picks feed both paths. */
function seatPicks(count: number, seats: number): string[][] {
  let state = 0x2545f491;
  const random = (): number => {
    // xorshift32: a fixed sequence, so both paths see the same workload.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const first = Math.floor(seats * random() ** 3);
    const r = random();
    const n = r < 0.5 ? 1 : r < 0.85 ? 2 : r < 0.95 ? 3 : 4;
    return [...new Set(Array.from({ length: n }, (_, i) => `S-${Math.min(seats - 1, first + i) + 1}`))];
  });
}

async function call(
  method: 'GET' | 'POST',
  base: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Timed> {
  const t0 = performance.now();
  // undici's request, as the bare-express baseline uses: fetch costs the load generator about
  // three times the CPU per request, which on two cores is taken from the processes measured.
  const response = await dispatcher.request({
    origin: base,
    path,
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  const ms = performance.now() - t0;
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.statusCode, ms, body: parsed };
}

async function createConcert(title: string): Promise<string> {
  const answer = await call('POST', urls.command, '/admin/concerts', admin, { title, venue: 'Arena' });
  if (answer.status !== 201) throw new Error(`create concert: ${answer.status} ${JSON.stringify(answer.body)}`);
  return String(answer.body.concertId);
}

async function createSchedule(concertId: string): Promise<string> {
  const seats = Array.from({ length: seatCount }, (_, i) => ({
    seatId: `S-${i + 1}`,
    grade: i < 200 ? 'VIP' : 'R',
    price: i < 200 ? 150_000 : 90_000,
  }));
  const answer = await call('POST', urls.command, `/admin/concerts/${concertId}/schedules`, admin, {
    startsAt: '2027-05-01T19:00:00.000Z',
    seats,
  });
  if (answer.status !== 201) throw new Error(`add schedule: ${answer.status} ${JSON.stringify(answer.body)}`);
  return String(answer.body.scheduleId);
}

/** The gateway finds concerts and schedules through the read models: wait for the projectors. */
async function untilProjected(queueConcert: string, holdConcert: string, schedules: readonly string[]): Promise<void> {
  const paths = [
    `/concerts/${queueConcert}/schedules?all=true`,
    `/concerts/${holdConcert}/schedules?all=true`,
    ...schedules.map((s) => `/schedules/${s}`),
  ];
  const deadline = Date.now() + 60_000;
  for (const path of paths) {
    while ((await call('GET', urls.query, path, admin)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the read model did not show ${path} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function start(entry: string, url: string, cpuProfileDir?: string): Promise<void> {
  const flags = ['--conditions=development', '--import', 'tsx'];
  if (cpuProfileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`);
  const child = spawn(process.execPath, [...flags, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      if ((await undiciFetch(`${url}/ready`, { dispatcher })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${entry} was not ready within 60 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function pair(sorted: readonly number[]): string {
  return `${formatNumber(percentile(sorted, 50), 1)} / ${formatNumber(percentile(sorted, 99), 1)}`;
}

function answerLabel(answer: Timed): string {
  return answer.status >= 400 && typeof answer.body.code === 'string'
    ? `${answer.status} ${answer.body.code}`
    : String(answer.status);
}

function statusList(statuses: ReadonlyMap<string, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} x${formatNumber(n)}`)
    .join(', ');
}

/** The value of a gauge series for one concert in Prometheus text. */
function metricMax(text: string, name: string, concertId: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`concert="${concertId}"`));
  return line === undefined ? Number.NaN : Number(line.split(' ').pop());
}
