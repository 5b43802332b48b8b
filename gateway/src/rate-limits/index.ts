/**
 * Rate limits of the gateway (issue 5, item 4). Wiring, in the gateway app, after authentication:
 *
 *   app.use(rateLimit({ redis, commandsPerMinute: config.RATE_LIMIT_COMMANDS_PER_MINUTE,
 *     pollsPerMinute: config.RATE_LIMIT_POLLS_PER_MINUTE, ipMultiple: config.RATE_LIMIT_IP_MULTIPLE, registry }));
 *
 * `redis` is infra's createRedis({ url: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX }). Per-IP limits
 * use `req.ip`: behind a load balancer set TRUST_PROXY (the app's 'trust proxy') so that it is the client's.
 */
export {
  rateLimit,
  rateSpendsOf,
  setRateLimitHeaders,
  type RateLimitOptions,
  type RateSpends,
} from './rate-limit-middleware.js';
export { markBudgetsSpent } from './spent-budgets.js';
export { rateBudgetOf, type BudgetName } from './rate-budget-of.js';
export { rateLimitMetrics, type RateLimitMetrics } from './rate-limit-metrics.js';
