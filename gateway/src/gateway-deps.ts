import type { Config, JwtVerifier, Logger, ReadinessCheck, Registry } from '@concert/infra';
import type { RequestHandler } from 'express';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { PollFastPathSources } from './queue/poll-fast-path.js';
import type { UpstreamPool } from './upstream/upstream-pool.js';

/**
 * The waiting-room, rate-limit and Idempotency-Key stages of the pipeline, built by
 * open-gateway.ts; a stage left out is skipped (tests of routing and authentication).
 */
export interface PipelineStages {
  /** Per user and per IP budgets (429 `rate-limited`). */
  rateLimit?: RequestHandler;
  /** Answers POST /queue/entries and GET /queue/entries/:entryId itself. */
  queueRouter?: RequestHandler;
  /** Idempotency-Key on POSTs; required on POST /payments and POST /wallet/charges. */
  idempotency?: RequestHandler;
  /** The queue token on POST /reservations and POST /payments. */
  requireQueueToken?: RequestHandler;
  /** The ops console's admin endpoints (GET /admin/console/snapshot, parked retry). */
  console?: RequestHandler;
  /**
   * GET|HEAD /queue/entries/:entryId answered in front of express (createGatewayListener), from
   * the same options as rateLimit and queueRouter; omitted: express answers every poll.
   */
  pollFastPath?: PollFastPathSources;
  /**
   * The plain POST /reservations answered in front of express (createGatewayListener), from the
   * same options as rateLimit and requireQueueToken; omitted: express takes every hold.
   */
  holdFastPath?: PollFastPathSources;
}

export type GatewayConfig = Pick<
  Config,
  | 'AUTH_DEV_LOGIN'
  | 'REQUEST_LOG_SLOW_MS'
  | 'REQUEST_LOG_SAMPLE_RATE'
  | 'AUTH_DEV_TOKEN_TTL_S'
  | 'GATEWAY_UPSTREAM_TIMEOUT_MS'
  | 'WALLET_MAX_CHARGE'
  | 'JWT_SECRET'
  | 'JWT_PUBLIC_KEY'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'JWT_CLOCK_TOLERANCE_S'
  | 'TRUST_PROXY'
  | 'CORS_ORIGINS'
>;

/** Everything the gateway app uses, built once per process (open-gateway.ts) or per test. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  /** One registry for the whole process: the waiting room and idempotency register on it too. */
  registry: Registry;
  metrics: GatewayMetrics;
  verifier: JwtVerifier;
  upstreams: { commandApi: UpstreamPool; queryApi: UpstreamPool };
  readinessChecks: Record<string, ReadinessCheck>;
  stages: PipelineStages;
  /** The built buyer page and ops console (GET /, /console, /assets/*); not served when omitted. */
  webDir?: string;
}
