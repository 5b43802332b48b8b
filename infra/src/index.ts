export * from './config/config.js';
export * from './api-contract/index.js';
export * from './event-store/event-store.js';
export * from './event-store/errors.js';
export * from './event-store/global-position.js';
export { PostgresEventStore } from './event-store/postgres/pg-event-store.js';
export { InMemoryEventStore } from './event-store/memory/in-memory-event-store.js';
export { migrateToLatest } from './postgres/migrate.js';
export { ensureDatabase, dropDatabase } from './postgres/ensure-database.js';
export { PostgresAdvisoryLock } from './postgres/advisory-lock.js';
export {
  unreachableServices,
  unreachableServiceChecks,
  isReachable,
  servicesOf,
  type ServiceCheck,
} from './preflight/check-services.js';
export {
  startDecision,
  startInstalledServices,
  installedOnThisMachine,
  type Installed,
} from './preflight/start-service.js';
export { createEventStore } from './event-store/create-event-store.js';
export { createRedis, type RedisClient } from './redis/create-redis.js';
export { redisReady } from './redis/redis-ready.js';
export { RedisUnavailableError } from './redis/redis-unavailable-error.js';
export { RedisSeatLocks, type SeatLocks, type SeatLockResult } from './redis/seat-locks.js';
export { seatLockKey } from './redis/seat-lock-key.js';
export { deleteKeysWithPrefix } from './redis/key-prefix.js';
export { createLogger, type Logger } from './logging/logger.js';
export { HttpProblem, isHttpProblem, problemBody, sendProblem } from './http/problem.js';
export {
  validationProblem,
  forbiddenProblem,
  notFoundProblem,
  methodNotAllowedProblem,
  unavailableProblem,
  queueTokenRequiredProblem,
  queueTokenInvalidProblem,
} from './http/common-problems.js';
export {
  requestContext,
  beginRequest,
  requestIdOf,
  loggerOf,
  requestLogPolicy,
  type RequestLogPolicy,
} from './http/request-context.js';
export {
  jsonBody,
  isAcceptedJsonBody,
  plainJsonBodyLength,
  rawBodyOf,
  DEFAULT_BODY_LIMIT_BYTES,
} from './http/json-body.js';
export { idempotencyKeyOf } from './http/idempotency-key-header.js';
export { parseBody, parseParams, parseQuery, parseHeaders } from './http/validate.js';
export { errorHandler, notFoundHandler } from './http/error-handler.js';
export { isDependencyUnavailable } from './http/dependency-unavailable.js';
export { createJwtVerifier, signDevToken, type AuthClaims, type JwtConfig, type JwtVerifier } from './auth/jwt.js';
export { authenticate, bearerTokenOf, requireRole, authOf } from './http/authenticate.js';
export {
  createMetricsRegistry,
  httpDurationHistogram,
  metricsRegistry,
  metricsRouter,
  registeredCounter,
  Registry,
} from './metrics/metrics.js';
export {
  bucketDelta,
  bucketsOf,
  parsePrometheusText,
  quantileOf,
  sumOf,
  type Sample,
} from './metrics/prometheus-text.js';
export { healthRouter, type ReadinessCheck } from './http/health.js';
export { serve, KEEP_ALIVE_TIMEOUT_MS, type RunningServer } from './http/serve.js';
export { shareShutdownState } from './http/shutdown-state.js';
export { createApp, type CreateAppOptions } from './http/create-app.js';
export { bearerClaimsOf, sendPlainJson, sendPlainProblem, type EtagOf } from './http/plain-answer.js';
export {
  jsonCommandFastPath,
  type CommandAnswer,
  type CommandRequest,
  type FastCommandRoute,
} from './http/json-command-fast-path.js';
export { cacheKeys } from './read-models/cache-keys.js';
export type { Projection, ProjectedEvent } from './read-models/projection.js';
export { PROJECTION_NAMES, type ProjectionName } from './read-models/projection-names.js';
export * from './nats/index.js';
export { abortableSleep } from './runtime/abortable-sleep.js';
export { chunkByWeight } from './runtime/chunk-by-weight.js';
export { catalogCachePrefixes } from './read-models/cache-keys.js';
export {
  lockProjectionShared,
  lockProjectionExclusive,
  projectionFenceKey,
  SHARED_FENCE_SQL,
} from './read-models/projection-lock.js';
export {
  LIVE_SCHEMA,
  identifier,
  shadowSchemaOf,
  useSchema,
  schemaExists,
  createShadowTables,
  swapInShadowTables,
  dropSchema,
  describeTables,
} from './read-models/shadow-tables.js';
export { migrateIdempotencyDatabase } from './idempotency/migrate-idempotency-database.js';
export type {
  IdempotencyStore,
  IdempotencyClaim,
  BeginResult,
  StoredResponse,
} from './idempotency/idempotency-store.js';
export { PostgresIdempotencyStore } from './idempotency/postgres-idempotency-store.js';
export { createIdempotencyStore } from './idempotency/create-idempotency-store.js';
export {
  consumeRateBudgets,
  defineRateLimitScript,
  RedisRateLimiter,
  type RateBudget,
  type RateDecision,
  type RateSpend,
} from './rate-limits/redis-rate-limiter.js';
export * from './waiting-room/index.js';
