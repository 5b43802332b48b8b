import { registeredCounter, type Registry } from '@concert/infra';
import type { Counter } from 'prom-client';

export type IdempotencyHit = 'replayed' | 'in-use' | 'reused';

export interface IdempotencyMetrics {
  /** Repeats of a key: answered from the store, refused while in flight, refused for another payload. */
  hits: Counter<'outcome'>;
  /** Records the cleanup job deleted. */
  expiredDeleted: Counter;
}

/** Registered once per registry; a second middleware on the same registry shares the counters. */
export function idempotencyMetrics(registry: Registry): IdempotencyMetrics {
  return {
    hits: registeredCounter(
      registry,
      'gateway_idempotency_hits_total',
      'Requests answered from an existing Idempotency-Key record, by outcome',
      ['outcome'],
    ),
    expiredDeleted: registeredCounter(
      registry,
      'gateway_idempotency_expired_deleted_total',
      'Idempotency-Key records deleted after their retention',
      [],
    ),
  };
}
