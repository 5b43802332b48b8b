import { registeredCounter, type Registry } from '@concert/infra';
import type { Counter } from 'prom-client';

export interface RateLimitMetrics {
  /** 429s, by budget and by the scope whose budget was spent (user or ip). */
  limited: Counter<'budget' | 'scope'>;
  /** Requests let through unchecked because Redis could not answer. */
  bypassed: Counter<'budget'>;
}

export function rateLimitMetrics(registry: Registry): RateLimitMetrics {
  return {
    limited: registeredCounter(
      registry,
      'gateway_rate_limited_total',
      'Requests refused with 429 rate-limited, by budget and scope',
      ['budget', 'scope'],
    ),
    bypassed: registeredCounter(
      registry,
      'gateway_rate_limit_bypassed_total',
      'Requests let through without a rate check because Redis was unavailable',
      ['budget'],
    ),
  };
}
