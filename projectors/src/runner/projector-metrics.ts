import type { Registry } from '@concert/infra';
import { Counter, Gauge, Histogram } from 'prom-client';

type Labels = 'projection';

/** Series of every projector of a process, labelled by projection. */
export interface ProjectorMetrics {
  /** By outcome: applied, passed, duplicate, deferred, parked. */
  events: Counter<Labels | 'outcome'>;
  /** Transactions: committed or failed. */
  batches: Counter<Labels | 'result'>;
  batchSeconds: Histogram<Labels>;
  lastAppliedSeconds: Gauge<Labels>;
  checkpointSequence: Gauge<Labels>;
  /** Messages of the stream this projection has not acked yet: its lag, read from JetStream at scrape time. */
  registerLagSource(projection: string, source: () => Promise<number>): () => void;
}

const byRegistry = new WeakMap<Registry, ProjectorMetrics>();

/** One set per registry: several projectors (and tests) share the series, told apart by label. */
export function projectorMetrics(registry: Registry): ProjectorMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const lagSources = new Map<string, () => Promise<number>>();
  const metrics: ProjectorMetrics = {
    events: new Counter({
      name: 'projector_events_total',
      help: 'Events taken by a projector, by outcome (applied, passed, duplicate, deferred, parked)',
      labelNames: ['projection', 'outcome'],
      registers: [registry],
    }),
    batches: new Counter({
      name: 'projector_batches_total',
      help: 'Projection transactions, by result (committed, failed)',
      labelNames: ['projection', 'result'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'projector_batch_duration_seconds',
      help: 'Time to apply one batch and commit it',
      labelNames: ['projection'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    lastAppliedSeconds: new Gauge({
      name: 'projector_last_applied_timestamp_seconds',
      help: 'When the projector last committed a batch (Unix time)',
      labelNames: ['projection'],
      registers: [registry],
    }),
    checkpointSequence: new Gauge({
      name: 'projector_checkpoint_stream_sequence',
      help: 'JetStream sequence of the last message the projection took',
      labelNames: ['projection'],
      registers: [registry],
    }),
    registerLagSource(projection, source) {
      lagSources.set(projection, source);
      return () => {
        if (lagSources.get(projection) === source) lagSources.delete(projection);
      };
    },
  };
  new Gauge({
    name: 'projector_lag_messages',
    help: 'Messages in the stream the projection has not acked yet (pending plus unacknowledged)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        [...lagSources].map(async ([projection, source]) => {
          // A scrape must not fail because NATS is briefly away: the series is just missing.
          const lag = await source().catch(() => undefined);
          if (lag !== undefined) this.set({ projection }, lag);
        }),
      );
    },
  });
  byRegistry.set(registry, metrics);
  return metrics;
}
