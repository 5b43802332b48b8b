import {
  ConfigError,
  createJwtVerifier,
  createMetricsRegistry,
  createRedis,
  type Config,
  type Logger,
} from '@concert/infra';
import type { GatewayDeps, PipelineStages } from './gateway-deps.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { UpstreamPool } from './upstream/upstream-pool.js';

export interface OpenedGateway {
  deps: GatewayDeps;
  /** Probes the upstreams once (so the first requests route) and starts the background jobs. */
  start(): Promise<void>;
  /** Stops the background jobs and releases the clients; after the server stopped accepting. */
  close(): Promise<void>;
}

/** Connects what the configuration names: Redis, the upstream pools, the pipeline's stages. */
export function openGateway(config: Config, logger: Logger): OpenedGateway {
  if (config.AUTH_DEV_LOGIN && !config.JWT_SECRET) {
    throw new ConfigError('invalid configuration: AUTH_DEV_LOGIN needs JWT_SECRET (dev tokens are HS256)');
  }
  const registry = createMetricsRegistry({ service: 'gateway' });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const poolOptions = { intervalMs: config.GATEWAY_HEALTH_CHECK_INTERVAL_MS, logger };
  const commandApi = new UpstreamPool({ ...poolOptions, kind: 'command-api', urls: config.COMMAND_API_URLS });
  const queryApi = new UpstreamPool({ ...poolOptions, kind: 'query-api', urls: config.QUERY_API_URLS });
  const stages: PipelineStages = {};

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
      commandApi: async () => atLeastOneHealthy(commandApi),
      queryApi: async () => atLeastOneHealthy(queryApi),
    },
    stages,
  };
  return {
    deps,
    async start() {
      await Promise.all([commandApi.start(), queryApi.start()]);
    },
    async close() {
      await Promise.all([commandApi.stop(), queryApi.stop()]);
      redis.disconnect();
    },
  };
}

function atLeastOneHealthy(pool: UpstreamPool): void {
  if (pool.healthyCount() > 0) return;
  const down = pool.states().map((state) => state.url).join(', ');
  throw new Error(`no healthy instance (down: ${down})`);
}
