import {
  authOf,
  HttpProblem,
  loggerOf,
  consumeRateBudgets,
  defineRateLimitScript,
  RedisUnavailableError,
  type Logger,
  type RateBudget,
  type RateDecision,
  type RateSpend,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { takeSpentBudgets } from './spent-budgets.js';
import { rateBudgetOf, type BudgetName } from './rate-budget-of.js';
import { rateLimitMetrics } from './rate-limit-metrics.js';

export interface RateLimitOptions {
  /** The shared Redis (keys under its REDIS_KEY_PREFIX): every gateway on it spends the same budgets. */
  redis: RedisClient;
  /** RATE_LIMIT_COMMANDS_PER_MINUTE, per user. */
  commandsPerMinute: number;
  /** RATE_LIMIT_POLLS_PER_MINUTE, per user. */
  pollsPerMinute: number;
  /** RATE_LIMIT_IP_MULTIPLE: an IP's budget is the user's times this; 0 = no per-IP limit. */
  ipMultiple: number;
  registry: Registry;
  /** Used when the request has no `req.log`. */
  logger?: Logger;
  /** Window of the budgets; tests shorten it. */
  windowSeconds?: number;
}

export type Scope = 'user' | 'ip';

/** What one request spends: a budget of each scope it has (a user id, an address), in this order. */
export interface RateSpends {
  scopes: Scope[];
  spends: RateSpend[];
}

/**
 * The budgets these options define, and which of them a request of `userId` from `ip` spends.
 * Every stage that spends them is built through here, at set-up: the rate-limit script is
 * defined on the client then, never while it carries traffic.
 */
export function rateSpendsOf(
  options: RateLimitOptions,
): (budget: BudgetName, userId?: string, ip?: string) => RateSpends {
  defineRateLimitScript(options.redis);
  const windowSeconds = options.windowSeconds ?? 60;
  const limiters = (budget: BudgetName, perUser: number): Partial<Record<Scope, RateBudget>> => ({
    user: { name: `${budget}-user`, points: perUser, windowSeconds },
    ...(options.ipMultiple > 0
      ? { ip: { name: `${budget}-ip`, points: perUser * options.ipMultiple, windowSeconds } }
      : {}),
  });
  const budgets: Record<BudgetName, Partial<Record<Scope, RateBudget>>> = {
    commands: limiters('commands', options.commandsPerMinute),
    polls: limiters('polls', options.pollsPerMinute),
  };
  return (budget, userId, ip) => {
    const subjects: Array<[Scope, string | undefined]> = [
      ['user', userId],
      ['ip', ip],
    ];
    const scopes: Scope[] = [];
    const spends: RateSpend[] = [];
    for (const [scope, subject] of subjects) {
      const limit = budgets[budget][scope];
      if (limit === undefined || subject === undefined) continue;
      scopes.push(scope);
      spends.push({ budget: limit, subject });
    }
    return { scopes, spends };
  };
}

/** One warning per this interval while Redis is down, not one per request. */
const WARN_EVERY_MS = 10_000;

/**
 * Per-user and per-IP rate limits (429 `rate-limited` with Retry-After; `RateLimit` and
 * `RateLimit-Policy` on every request that spent a budget), with separate budgets
 * for queue status polling and for commands. Mount it after authentication (the user id comes
 * from `authOf(res)`; an anonymous request is limited by IP only) and before anything costly.
 *
 * Redis down: the request goes through unchecked (a warning and `gateway_rate_limit_bypassed_total`).
 * The limits protect capacity; refusing every request while Redis restarts would do more harm
 * than a few minutes without them.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const spendsOf = rateSpendsOf(options);
  const metrics = rateLimitMetrics(options.registry);
  let lastWarnAt = 0;

  return async (req, res, next) => {
    const budget = rateBudgetOf(req);
    if (budget === undefined) {
      next();
      return;
    }
    const { scopes, spends } = spendsOf(budget, userIdOf(res), req.ip);
    let decisions: readonly RateDecision[];
    try {
      // The user's and the IP's budgets in one Redis round trip; or already spent by the poll fast path.
      decisions = takeSpentBudgets(req) ?? (await consumeRateBudgets(options.redis, spends));
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      metrics.bypassed.inc({ budget });
      if (Date.now() - lastWarnAt >= WARN_EVERY_MS) {
        lastWarnAt = Date.now();
        logOf(req, options.logger)?.warn({ err: error, budget }, 'rate limits skipped: Redis unavailable');
      }
      next();
      return;
    }

    setRateLimitHeaders(res, spends, decisions);
    let retryAfterMs = -1;
    for (const [i, decision] of decisions.entries()) {
      if (decision.allowed) continue;
      const scope = scopes[i]!;
      metrics.limited.inc({ budget, scope });
      retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs);
    }
    if (retryAfterMs < 0) {
      next();
      return;
    }
    next(
      new HttpProblem({
        status: 429,
        code: 'rate-limited',
        detail: `too many ${budget === 'polls' ? 'queue status polls' : 'commands'}; retry after the time in Retry-After`,
        // At least one second: "Retry-After: 0" invites an immediate hammering.
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      }),
    );
  };
}

/**
 * The budgets spent and what is left of each (IETF draft httpapi-ratelimit-headers):
 * `RateLimit-Policy: "commands-user";q=120;w=60, "commands-ip";q=1200;w=60` and
 * `RateLimit: "commands-user";r=117;t=42, "commands-ip";r=1190;t=42` (r: requests left in the
 * window, t: seconds until it ends), on answers and refusals alike.
 */
export function setRateLimitHeaders(
  res: ServerResponse,
  spends: readonly RateSpend[],
  decisions: readonly RateDecision[],
): void {
  if (spends.length === 0) return;
  const policy = spends.map(({ budget }) => `"${budget.name}";q=${budget.points};w=${budget.windowSeconds}`);
  const current = spends.map(({ budget }, i) => {
    const decision = decisions[i]!;
    const remaining = decision.allowed ? decision.remaining : 0;
    const resetMs = decision.allowed ? decision.resetMs : decision.retryAfterMs;
    return `"${budget.name}";r=${remaining};t=${Math.ceil(resetMs / 1000)}`;
  });
  res.setHeader('RateLimit-Policy', policy.join(', '));
  res.setHeader('RateLimit', current.join(', '));
}

function userIdOf(res: Response): string | undefined {
  return res.locals.auth === undefined ? undefined : authOf(res).userId;
}

function logOf(req: Request, fallback: Logger | undefined): Logger | undefined {
  return Object.hasOwn(req, 'log') ? loggerOf(req) : fallback;
}
