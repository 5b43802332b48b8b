import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  createLogger,
  createMetricsRegistry,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  redisReady,
  serve,
  signDevToken,
  type Config,
  type RedisClient,
} from '@concert/infra';
import knexFactory, { type Knex } from 'knex';
import { assembleQueryApiDeps, type QueryApiDeps } from '../src/query-api-deps.js';
import { createQueryApp } from '../src/query-app.js';
import { createReadDb } from '../src/read-db.js';

/**
 * One query-api instance on an ephemeral port, against the run's test database (filled by
 * the tests with SQL, standing in for the projectors) and a Redis key prefix of its own.
 */
export class QueryApiHarness {
  readonly keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  url = '';
  private running:
    { deps: QueryApiDeps; redis: RedisClient; db: Knex; writer: Knex; close(): Promise<void> } | undefined;
  private loaded: Config | undefined;

  constructor(
    private readonly overrides: Record<string, string> = {},
    private readonly options: { redisReachable?: boolean } = {},
  ) {}

  /** Read at first use, not at construction: describe blocks run before the global setup picks the test database. */
  get config(): Config {
    this.loaded ??= loadConfig({
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      REDIS_KEY_PREFIX: this.keyPrefix,
      ...this.overrides,
    });
    return this.loaded;
  }

  async start(): Promise<this> {
    const logger = createLogger(this.config, 'query-api');
    const db = createReadDb(this.config.READ_DATABASE_URL);
    const redis = createRedis({ url: this.config.REDIS_URL, keyPrefix: this.keyPrefix, onError: () => undefined });
    if (this.options.redisReachable !== false) await redisReady(redis, 5000);
    const deps = assembleQueryApiDeps({ config: this.config, db, redis, logger, registry: createMetricsRegistry() });
    const server = await serve(createQueryApp(deps), 0, { logger, host: '127.0.0.1' });
    const writer = knexFactory({ client: 'pg', connection: this.config.DATABASE_URL, pool: { min: 0, max: 4 } });
    this.url = `http://127.0.0.1:${server.port}`;
    this.running = {
      deps,
      redis,
      db,
      writer,
      async close() {
        await server.close();
        if (redis.status === 'ready')
          await deleteKeysWithPrefix(redis, redis.options.keyPrefix ?? '').catch(() => undefined);
        redis.disconnect();
        await Promise.all([db.destroy(), writer.destroy()]);
      },
    };
    return this;
  }

  private get started(): NonNullable<QueryApiHarness['running']> {
    if (this.running === undefined) throw new Error('QueryApiHarness: call start() first');
    return this.running;
  }

  get deps(): QueryApiDeps {
    return this.started.deps;
  }

  /** The primary, where the tests write read-model rows as a projector would. */
  get writer(): Knex {
    return this.started.writer;
  }

  /** This instance's Redis, keys relative to its prefix. */
  get redis(): RedisClient {
    return this.started.redis;
  }

  token(userId: string): string {
    return signDevToken(this.config, { userId, roles: [], expiresInSeconds: 600 });
  }

  get<T = Record<string, unknown>>(
    path: string,
    options: { user?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers = {
      ...(options.headers ?? {}),
      ...(options.user ? { authorization: `Bearer ${this.token(options.user)}` } : {}),
    };
    return call<T>(this.url, path, headers);
  }

  /** The value of a counter or gauge series of this instance, 0 when it was never touched. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.deps.registry.getSingleMetric(name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    const matching = values.filter((v) =>
      Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
    );
    return matching.reduce((sum, v) => sum + v.value, 0);
  }

  /** How many values a histogram of this instance has observed. */
  async observations(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.deps.registry.getSingleMetric(name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values
      .filter((v) => 'metricName' in v && v.metricName === `${name}_count`)
      .filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value))
      .reduce((sum, v) => sum + v.value, 0);
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T>(url: string, path: string, headers: Record<string, string>): Promise<ApiResponse<T>> {
  const response = await fetch(`${url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

/** An RFC 9457 answer of the contract: the status, the media type and the members clients rely on. */
export function expectProblem(response: ApiResponse<unknown>, status: number, code: string): void {
  const summary = `${response.status} ${JSON.stringify(response.body).slice(0, 500)}`;
  expect(response.status, summary).to.equal(status);
  expect(response.headers.get('content-type'), summary).to.match(/^application\/problem\+json/);
  expect(response.body, summary).to.include({ status, code, type: `urn:problem-type:concert:${code}` });
}
