import { randomBytes, randomUUID } from 'node:crypto';
import {
  authenticate,
  createApp,
  createJwtVerifier,
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
  type Registry,
} from '@concert/infra';
import { startService, type ServiceProcess } from '@concert/infra/testing';
import type { Express } from 'express';
import knexFactory, { type Knex } from 'knex';
import {
  AdmissionGovernor,
  queueRouter,
  requireQueueToken,
  startQueueTicker,
  verifiedQueueConcertOf,
  type QueueOptions,
  type QueueTicker,
} from '../../src/queue/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The waiting room's routes and queue-token check on the standard app (JWT authentication,
 * JSON bodies), a ticker, and a real query-api process for the concert lookups, over the
 * run's test database (rows written as the projectors would) and a Redis prefix of its own.
 * Behind the check, `upstream` stands in for the command API: it answers like the command
 * API (which refuses a hold whose verified queue concert is not its schedule's concert, and an
 * unknown schedule) and records what got through, so a test sees what a refusal kept from it.
 */
export class QueueHarness {
  readonly keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  readonly config: Config;
  readonly registry: Registry = createMetricsRegistry();
  readonly upstream: { path: string; userId: string; body: unknown }[] = [];
  /** The command API's catalog, as the stand-in knows it: schedule -> concert. */
  private readonly catalog = new Map<string, string>();
  url = '';
  private redis: RedisClient | undefined;
  private db: Knex | undefined;
  private queryApi: ServiceProcess | undefined;
  private ticker: QueueTicker | undefined;
  private closeServer: (() => Promise<void>) | undefined;

  /**
   * `holdDelayMs`: how long the stand-in takes to answer a hold, so a spec can make every hold
   * slower than a target whatever the machine's speed.
   */
  constructor(
    env: Record<string, string>,
    private readonly stand: { holdDelayMs?: number } = {},
  ) {
    this.config = loadConfig({
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      REDIS_KEY_PREFIX: this.keyPrefix,
      ...env,
    });
  }

  async start(): Promise<this> {
    const queryPort = 21_000 + Math.floor(Math.random() * 4000);
    this.queryApi = await startService('query-api/src/main.ts', queryPort, {
      QUERY_API_PORT: String(queryPort),
      REDIS_KEY_PREFIX: `${this.keyPrefix}query:`,
    });
    this.db = knexFactory({ client: 'pg', connection: this.config.DATABASE_URL, pool: { min: 0, max: 2 } });
    this.redis = createRedis({ url: this.config.REDIS_URL, keyPrefix: this.keyPrefix });
    await redisReady(this.redis, 5000);
    const logger = createLogger(this.config, 'gateway');
    const queryUrl = this.queryApi.url;
    const options: QueueOptions = {
      config: this.config,
      redis: this.redis,
      queryBaseUrl: () => queryUrl,
      logger,
      registry: this.registry,
      governor: AdmissionGovernor.fromConfig(this.config),
    };
    this.ticker = startQueueTicker(options);
    const app = createApp({
      logger,
      registry: this.registry,
      authenticate: authenticate(createJwtVerifier(this.config)),
      routes: (routes: Express) => {
        routes.use(queueRouter(options));
        routes.use(requireQueueToken(options));
        routes.post('/reservations', (req, res) => {
          const scheduleId: unknown = (req.body as { scheduleId?: unknown }).scheduleId;
          if (typeof scheduleId !== 'string' || !Array.isArray((req.body as { seatIds?: unknown }).seatIds)) {
            res.status(400).json({ code: 'validation' });
            return;
          }
          const concertId = this.catalog.get(scheduleId);
          if (concertId === undefined) {
            res.status(404).json({ code: 'schedule-not-found' });
            return;
          }
          if (verifiedQueueConcertOf(res) !== concertId) {
            res.status(401).json({ code: 'queue-token-invalid' });
            return;
          }
          this.upstream.push({ path: req.path, userId: String(res.locals.auth?.userId), body: req.body });
          const reservationId = randomUUID();
          const answer = (): void => {
            res.status(201).location(`/reservations/${reservationId}`).json({ reservationId, status: 'HELD' });
          };
          if (this.stand.holdDelayMs) setTimeout(answer, this.stand.holdDelayMs);
          else answer();
        });
        routes.post('/payments', (req, res) => {
          this.upstream.push({ path: req.path, userId: String(res.locals.auth?.userId), body: req.body });
          res.status(201).json({ paymentId: randomUUID(), status: 'COMPLETED' });
        });
      },
    });
    const server = await serve(app, 0, { logger, host: '127.0.0.1' });
    this.url = `http://127.0.0.1:${server.port}`;
    this.closeServer = () => server.close();
    return this;
  }

  async stop(): Promise<void> {
    await this.closeServer?.();
    await this.ticker?.stop();
    await this.queryApi?.stop();
    if (this.redis) {
      await deleteKeysWithPrefix(this.redis, this.keyPrefix).catch(() => undefined);
      this.redis.disconnect();
    }
    await this.db?.destroy();
  }

  /** The query API goes away: lookups must come from the cache or fail with 503. */
  async stopQueryApi(): Promise<void> {
    await this.queryApi?.stop();
  }

  token(userId: string): string {
    return signDevToken(this.config, { userId, roles: [], expiresInSeconds: 600 });
  }

  async call(
    method: 'GET' | 'POST',
    path: string,
    options: { user?: string; body?: unknown; queueToken?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.user) headers.authorization = `Bearer ${this.token(options.user)}`;
    if (options.queueToken !== undefined) headers['queue-token'] = options.queueToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  /** Polls the entry until it is ADMITTED; returns the answer with the queue token. */
  async admitted(user: string, entryId: string): Promise<Answer & { queueToken: string }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = await this.call('GET', `/queue/entries/${entryId}`, { user });
      if (answer.body.status === 'ADMITTED' && typeof answer.body.queueToken === 'string')
        return { ...answer, queueToken: answer.body.queueToken };
      if (Date.now() > deadline) throw new Error(`not admitted in time: ${JSON.stringify(answer.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A concert with one schedule in the read models; returns their ids. */
  async givenConcertWithSchedule(): Promise<{ concertId: string; scheduleId: string }> {
    const concertId = randomUUID();
    const scheduleId = randomUUID();
    await this.writer('rm_concerts').insert({
      concert_id: concertId,
      title: 'Queue test',
      venue: 'Hall',
      created_at: new Date(),
    });
    await this.writer('rm_schedules').insert({
      schedule_id: scheduleId,
      concert_id: concertId,
      starts_at: '2030-01-01T19:00:00Z',
      total_seats: 10,
      available_seats: 10,
    });
    this.catalog.set(scheduleId, concertId);
    return { concertId, scheduleId };
  }

  /** A reservation in the read model (a hold that did not go through this gateway), HELD unless said. */
  async givenReservation(
    userId: string,
    scheduleId: string,
    status: 'HELD' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED' = 'HELD',
  ): Promise<string> {
    const reservationId = randomUUID();
    await this.writer('rm_reservations').insert({
      reservation_id: reservationId,
      user_id: userId,
      schedule_id: scheduleId,
      seat_ids: ['A-1'],
      amount: 100,
      status,
      expires_at: new Date(Date.now() + 300_000),
      created_at: new Date(),
      updated_at: new Date(),
    });
    return reservationId;
  }

  /** What the projector writes once a reservation was paid. */
  async givenConfirmed(reservationId: string): Promise<void> {
    await this.writer('rm_reservations')
      .where({ reservation_id: reservationId })
      .update({ status: 'CONFIRMED', updated_at: new Date() });
  }

  private get writer(): Knex {
    if (!this.db) throw new Error('QueueHarness: call start() first');
    return this.db;
  }
}

/** An RFC 9457 answer with the given status and code. */
export function problemOf(answer: Answer): string {
  return `${answer.status} ${String(answer.body.code)}`;
}
