import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  PostgresAdvisoryLock,
  PostgresEventStore,
  redisReady,
  RedisSeatLocks,
  serve,
  signDevToken,
  type Config,
  type RedisClient,
} from '@concert/infra';
import { createCommandListener } from '../src/command-app.js';
import { createCommandMetrics, ScheduleCatalog, type CommandApiDeps } from '@concert/write-model';

export interface CommandApiInstance {
  url: string;
  deps: CommandApiDeps;
  close(): Promise<void>;
}

/**
 * N command-api instances on ephemeral ports, each with its own event store pool and Redis
 * connection as separate processes would have, against the test database and a Redis key
 * prefix of this run.
 */
export class CommandApiCluster {
  readonly instances: CommandApiInstance[] = [];
  readonly keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  private readonly redisClients: RedisClient[] = [];
  private loaded: Config | undefined;

  constructor(private readonly overrides: Record<string, string> = {}) {}

  /** Read at first use, not at construction: describe blocks run before the global setup picks the test database. */
  get config(): Config {
    this.loaded ??= loadConfig({
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...this.overrides,
    });
    return this.loaded;
  }

  async start(count: number, options: { now?: () => Date } = {}): Promise<CommandApiInstance[]> {
    for (let i = 0; i < count; i++) this.instances.push(await this.startOne(options));
    return this.instances;
  }

  private async startOne(options: { now?: () => Date }): Promise<CommandApiInstance> {
    const logger = createLogger(this.config, 'command-api');
    const store = new PostgresEventStore({ connectionString: this.config.DATABASE_URL, maxConnections: 20 });
    const redis = createRedis({ url: this.config.REDIS_URL, keyPrefix: this.keyPrefix });
    await redisReady(redis, 5000);
    this.redisClients.push(redis);
    const registry = createMetricsRegistry();
    const paymentLock = new PostgresAdvisoryLock({ connectionString: this.config.DATABASE_URL });
    const deps: CommandApiDeps = {
      config: this.config,
      store,
      locks: new RedisSeatLocks(redis),
      catalog: new ScheduleCatalog(store),
      paymentLock,
      verifier: createJwtVerifier(this.config),
      logger,
      registry,
      metrics: createCommandMetrics(registry),
      now: options.now ?? (() => new Date()),
      readinessChecks: {},
    };
    const running = await serve(createCommandListener(deps), 0, { logger, host: '127.0.0.1' });
    return {
      url: `http://127.0.0.1:${running.port}`,
      deps,
      async close() {
        await running.close();
        redis.disconnect();
        await Promise.all([store.close(), paymentLock.close()]);
      },
    };
  }

  token(userId: string, roles: string[] = []): string {
    return signDevToken(this.config, { userId, roles, expiresInSeconds: 600 });
  }

  async stop(): Promise<void> {
    const [first] = this.redisClients;
    if (first) await deleteKeysWithPrefix(first, this.keyPrefix).catch(() => undefined);
    await Promise.all(this.instances.map((i) => i.close()));
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON request; `body` may be a string to send malformed JSON as it is. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

/** An admin creates a concert and a schedule of `seatCount` seats A-1..A-n priced 100 each (through the API). */
export async function givenScheduleViaApi(
  url: string,
  adminToken: string,
  seatCount: number,
): Promise<{ concertId: string; scheduleId: string; seatIds: string[] }> {
  const concert = await call<{ concertId: string }>(url, 'POST', '/admin/concerts', {
    token: adminToken,
    body: { title: 'Test concert', venue: 'Hall' },
  });
  if (concert.status !== 201) throw new Error(`create concert: ${concert.status} ${JSON.stringify(concert.body)}`);
  const seatIds = Array.from({ length: seatCount }, (_, i) => `A-${i + 1}`);
  const schedule = await call<{ scheduleId: string }>(
    url,
    'POST',
    `/admin/concerts/${concert.body.concertId}/schedules`,
    {
      token: adminToken,
      body: {
        startsAt: '2027-01-01T19:00:00.000Z',
        seats: seatIds.map((seatId) => ({ seatId, grade: 'R', price: 100 })),
      },
    },
  );
  if (schedule.status !== 201) throw new Error(`add schedule: ${schedule.status} ${JSON.stringify(schedule.body)}`);
  return { concertId: concert.body.concertId, scheduleId: schedule.body.scheduleId, seatIds };
}

/** Rows in the event store of this run's database; compare right before and right after one request. */
export async function countEvents(store: PostgresEventStore): Promise<number> {
  const { rows } = await store.pool.query<{ count: string }>('SELECT count(*)::text AS count FROM es_events');
  return Number(rows[0]?.count ?? '0');
}

/** `call`, plus how many events were appended while it ran (nothing else may write meanwhile). */
export async function callCountingEvents<T = Record<string, unknown>>(
  store: PostgresEventStore,
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T> & { appended: number }> {
  const before = await countEvents(store);
  const response = await call<T>(url, method, path, options);
  return { ...response, appended: (await countEvents(store)) - before };
}

/** An RFC 9457 answer of the contract: the status, the media type and the members clients rely on. */
export function expectProblem(response: ApiResponse<Record<string, unknown>>, status: number, code: string): void {
  const summary = `${response.status} ${JSON.stringify(response.body).slice(0, 500)}`;
  expect(response.status, summary).to.equal(status);
  expect(response.headers.get('content-type'), summary).to.match(/^application\/problem\+json/);
  expect(response.body, summary).to.include({ status, code, type: `urn:problem-type:concert:${code}` });
  expect(response.body.title, summary).to.be.a('string').that.is.not.empty;
  expect(response.body.detail, summary).to.be.a('string').that.is.not.empty;
}
