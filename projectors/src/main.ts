import { hostname } from 'node:os';
import {
  ConfigError,
  openEventStream,
  createApp,
  requestLogPolicy,
  createJwtVerifier,
  authenticate,
  createEventStore,
  createLogger,
  createMetricsRegistry,
  createRedis,
  loadProcessConfig,
  serve,
  type ReadinessCheck,
} from '@concert/infra';
import knexFactory from 'knex';
import { allProjections } from './projections/index.js';
import { opsRoutes } from './ops/ops-routes.js';
import { Relay } from './relay/relay.js';
import { startProjectors } from './runner/start-projectors.js';

/**
 * The projectors process: the relay (event store -> JetStream, one leader among the instances)
 * and one projector per read model (JetStream -> PostgreSQL). Serves /health, /ready and
 * /metrics on PROJECTORS_PORT, and the admin routes of ops/ops-routes.ts (projection status,
 * parked events, retry; a JWT with the admin role); SIGTERM finishes the batches in hand and exits.
 */
try {
  const config = loadProcessConfig('projectors');
  const logger = createLogger(config, 'projectors');
  const registry = createMetricsRegistry({ service: 'projectors' });

  const { nc, jsm, js } = await openEventStream(config, 'projectors');
  const eventStore = createEventStore(config);
  // Per projector one for its batch and one for an idle checkpoint pass, plus the relay's
  // checkpoint and readiness probes
  // (the leader locks have connections of their own).
  const knex = knexFactory({
    client: 'pg',
    connection: config.DATABASE_URL,
    pool: { min: 0, max: 2 * allProjections.length + 2 },
  });
  const redis = createRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    onError: (error) => logger.debug({ err: error }, 'redis connection error'),
  });

  const relay = new Relay({
    eventStore,
    nc,
    jsm,
    knex,
    lockConnectionString: config.DATABASE_URL,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    logger,
    registry,
  });
  relay.start();
  const projectors = await startProjectors({
    nc,
    js,
    jsm,
    knex,
    redis,
    projections: allProjections,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    batchSize: config.PROJECTION_BATCH_SIZE,
    maxAttempts: config.PROJECTION_MAX_ATTEMPTS,
    logger,
    registry,
    // One active consumer per projection among the projectors processes; /ready shows the role.
    lockConnectionString: config.DATABASE_URL,
    instanceId: `projectors-${hostname()}-${process.pid}`,
  });

  const readinessChecks: Record<string, ReadinessCheck> = {
    postgres: async () => {
      await knex.raw('SELECT 1');
    },
    nats: async () => {
      if (nc.isClosed()) throw new Error('NATS connection closed');
      await nc.flush();
    },
    relay: () => relay.ready(),
    ...Object.fromEntries(projectors.map((p) => [`projector:${p.projection}`, () => p.ready()])),
  };
  const app = createApp({
    logger,
    registry,
    readinessChecks,
    requestLog: requestLogPolicy(config),
    authenticate: authenticate(createJwtVerifier(config)),
    routes: (routes) => opsRoutes(routes, { config, knex, eventStore, redis, projections: allProjections, logger }),
  });
  await serve(app, config.PROJECTORS_PORT, {
    logger,
    handleSignals: true,
    async onShutdown() {
      await Promise.all([relay.stop(), ...projectors.map((p) => p.stop())]);
      // Drain flushes the acks of the last batches before closing.
      await nc.drain();
      redis.disconnect();
      await Promise.all([knex.destroy(), eventStore.close()]);
    },
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
