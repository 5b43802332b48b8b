import { Counter, type Registry } from 'prom-client';

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
    hits: counter(
      registry,
      'gateway_idempotency_hits_total',
      'Requests answered from an existing Idempotency-Key record, by outcome',
      ['outcome'],
    ),
    expiredDeleted: counter(
      registry,
      'gateway_idempotency_expired_deleted_total',
      'Idempotency-Key records deleted after their retention',
      [],
    ),
  };
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}
