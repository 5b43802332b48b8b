import {
  ConfigError,
  createIdempotencyStore,
  createJwtVerifier,
  createMetricsRegistry,
  createRedis,
  type ProcessConfig,
  type Logger,
} from '@concert/infra';
import { webAssetsDir } from '@concert/web';
import { consoleRouter } from './console/console-router.js';
import { consoleSnapshots } from './console/console-snapshot.js';
import type { GatewayDeps, PipelineStages } from './gateway-deps.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { idempotency, startIdempotencyCleanup } from './idempotency/index.js';
import {
  AdmissionGovernor,
  queueRouter,
  requireQueueToken,
  startQueueTicker,
  waitingRoomOf,
  type QueueOptions,
} from './queue/index.js';
import { rateLimit, type RateLimitOptions } from './rate-limits/index.js';
import { UpstreamPool } from './upstream/upstream-pool.js';

export interface OpenedGateway {
  deps: GatewayDeps;
  /** Probes the upstreams once (so the first requests route) and starts the background jobs. */
  start(): Promise<void>;
  /** Stops the background jobs and releases the clients; after the server stopped accepting. */
  close(): Promise<void>;
}

/** Connects what the configuration names: Redis, the upstream pools, the pipeline's stages. */
export function openGateway(config: ProcessConfig<'gateway'>, logger: Logger): OpenedGateway {
  if (config.AUTH_DEV_LOGIN && !config.JWT_SECRET) {
    throw new ConfigError('invalid configuration: AUTH_DEV_LOGIN needs JWT_SECRET (dev tokens are HS256)');
  }
  const registry = createMetricsRegistry({ service: 'gateway' });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const poolOptions = { intervalMs: config.GATEWAY_HEALTH_CHECK_INTERVAL_MS, logger };
  const commandApi = new UpstreamPool({ ...poolOptions, kind: 'command-api', urls: config.COMMAND_API_URLS });
  const queryApi = new UpstreamPool({ ...poolOptions, kind: 'query-api', urls: config.QUERY_API_URLS });
  const idempotencyStore = createIdempotencyStore(config, { maxConnections: 10 });
  const queue: QueueOptions = {
    config,
    redis,
    queryBaseUrl: () => queryApi.pick(),
    logger,
    registry,
    governor: AdmissionGovernor.fromConfig(config),
  };
  const rateLimits: RateLimitOptions = {
    redis,
    commandsPerMinute: config.RATE_LIMIT_COMMANDS_PER_MINUTE,
    pollsPerMinute: config.RATE_LIMIT_POLLS_PER_MINUTE,
    ipMultiple: config.RATE_LIMIT_IP_MULTIPLE,
    registry,
    logger,
  };
  const stages: PipelineStages = {
    rateLimit: rateLimit(rateLimits),
    queueRouter: queueRouter(queue),
    pollFastPath: { queue, rateLimit: rateLimits },
    holdFastPath: { queue, rateLimit: rateLimits },
    idempotency: idempotency({ store: idempotencyStore, registry, logger }),
    requireQueueToken: requireQueueToken(queue),
    console: consoleRouter(
      consoleSnapshots({
        sources: {
          gatewayUrl: `http://127.0.0.1:${config.GATEWAY_PORT}`,
          commandApiUrls: config.COMMAND_API_URLS,
          queryApiUrls: config.QUERY_API_URLS,
          projectorsUrls: config.PROJECTORS_URLS,
          workersUrls: config.WORKERS_URLS,
          queryBaseUrl: () => queryApi.pick(),
        },
        registry,
        room: waitingRoomOf(queue),
      }),
      config.PROJECTORS_URLS,
    ),
  };
  let jobs: { stop(): Promise<void> }[] = [];

  const deps: GatewayDeps = {
    config,
    logger,
    registry,
    metrics: createGatewayMetrics(registry, [commandApi, queryApi]),
    verifier: createJwtVerifier(config),
    upstreams: { commandApi, queryApi },
    readinessChecks: {
      redis: async () => {
        await redis.ping();
      },
      // Deletes nothing (no record expired before 1970), but only answers if the table does.
      idempotencyDatabase: async () => {
        await idempotencyStore.deleteExpired(new Date(0));
      },
      commandApi: async () => atLeastOneHealthy(commandApi),
      queryApi: async () => atLeastOneHealthy(queryApi),
    },
    stages,
    webDir: webAssetsDir(),
  };
  return {
    deps,
    async start() {
      await Promise.all([commandApi.start(), queryApi.start()]);
      jobs = [
        startQueueTicker(queue),
        startIdempotencyCleanup({
          store: idempotencyStore,
          intervalMs: config.IDEMPOTENCY_CLEANUP_INTERVAL_MS,
          registry,
          logger,
        }),
      ];
    },
    async close() {
      await Promise.all([...jobs.map((job) => job.stop()), commandApi.stop(), queryApi.stop()]);
      await idempotencyStore.close();
      redis.disconnect();
    },
  };
}

function atLeastOneHealthy(pool: UpstreamPool): void {
  if (pool.healthyCount() > 0) return;
  const down = pool
    .states()
    .map((state) => state.url)
    .join(', ');
  throw new Error(`no healthy instance (down: ${down})`);
}
