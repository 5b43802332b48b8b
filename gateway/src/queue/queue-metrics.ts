import { Counter, Gauge, type Registry } from 'prom-client';
import type { TickResult } from '@concert/infra';

export interface QueueMetrics {
  record(results: readonly TickResult[], admissionShare: number): void;
}

/**
 * `queue_waiting_users` and `queue_admitted_users` per concert (active concerts only; a
 * concert leaves the series when its room empties) and `queue_admissions_total`. Every
 * gateway reports the same Redis state, so dashboards take max() over instances, not sum().
 */
export function queueMetrics(registry: Registry): QueueMetrics {
  const waiting = gauge(registry, 'queue_waiting_users', 'Users waiting in the waiting room, per concert');
  const admitted = gauge(
    registry,
    'queue_admitted_users',
    'Users admitted and not yet expired or finished, per concert',
  );
  const admissions =
    (registry.getSingleMetric('queue_admissions_total') as Counter<'concert'> | undefined) ??
    new Counter({
      name: 'queue_admissions_total',
      help: "Users admitted by this gateway instance's ticks",
      labelNames: ['concert'],
      registers: [registry],
    });
  const share =
    (registry.getSingleMetric('queue_admission_share') as Gauge | undefined) ??
    new Gauge({
      name: 'queue_admission_share',
      help: "Share of the configured admission rate and cap this gateway's ticks use (the admission governor)",
      registers: [registry],
    });
  return {
    record(results, admissionShare) {
      share.set(admissionShare);
      for (const result of results) {
        const labels = { concert: result.concertId };
        if (result.waiting === 0 && result.admitted === 0) {
          waiting.remove(labels);
          admitted.remove(labels);
        } else {
          waiting.set(labels, result.waiting);
          admitted.set(labels, result.admitted);
        }
        if (result.admittedNow > 0) admissions.inc(labels, result.admittedNow);
      }
    },
  };
}

function gauge(registry: Registry, name: string, help: string): Gauge<'concert'> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing as Gauge<'concert'>;
  return new Gauge({ name, help, labelNames: ['concert'], registers: [registry] });
}
