import type { Registry } from '@concert/infra';
import { Counter, Gauge } from 'prom-client';

export interface RelayMetrics {
  relayed: Counter;
  /** Sessions restarted, by reason: fenced (another publisher), error. */
  resyncs: Counter<'reason'>;
  leader: Gauge;
  caughtUp: Gauge;
  /** Seconds from an event's commit in the event store to its publish ack: the relay's lag. */
  lagSeconds: Gauge;
  lastSequence: Gauge;
}

const byRegistry = new WeakMap<Registry, RelayMetrics>();

/** One set per registry (tests run several relays in one process and share it). */
export function relayMetrics(registry: Registry): RelayMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const metrics: RelayMetrics = {
    relayed: new Counter({
      name: 'relay_events_relayed_total',
      help: 'Events published to JetStream and acked',
      registers: [registry],
    }),
    resyncs: new Counter({
      name: 'relay_resyncs_total',
      help: 'Relay sessions restarted from the stream tail, by reason (fenced, error)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'relay_leader',
      help: '1 while this process is the active relay',
      registers: [registry],
    }),
    caughtUp: new Gauge({
      name: 'relay_caught_up',
      help: '1 while the relay is at the live end of the feed',
      registers: [registry],
    }),
    lagSeconds: new Gauge({
      name: 'relay_lag_seconds',
      help: 'Time from the last relayed event being recorded to its publish ack',
      registers: [registry],
    }),
    lastSequence: new Gauge({
      name: 'relay_last_stream_sequence',
      help: 'Stream sequence of the last relayed event',
      registers: [registry],
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
