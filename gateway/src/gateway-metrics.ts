import { Counter, Gauge, type Registry } from 'prom-client';
import type { UpstreamPool } from './upstream/upstream-pool.js';

export interface GatewayMetrics {
  upstreamResponses: Counter<'kind' | 'status_class'>;
  upstreamFailures: Counter<'kind' | 'reason'>;
  upstreamRetries: Counter<'kind'>;
}

/**
 * The gateway's own series, next to the per-route latency histogram (whose `_count` by
 * `status_code` is the status count, 429s included) and whatever the waiting room and the
 * Idempotency-Key store register on the same registry.
 */
export function createGatewayMetrics(registry: Registry, pools: readonly UpstreamPool[]): GatewayMetrics {
  new Gauge({
    name: 'gateway_upstream_healthy',
    help: 'Whether an upstream instance is in rotation (1) or out (0)',
    labelNames: ['kind', 'upstream'],
    registers: [registry],
    collect() {
      for (const pool of pools) {
        for (const state of pool.states()) this.set({ kind: pool.kind, upstream: state.url }, state.healthy ? 1 : 0);
      }
    },
  });
  return {
    upstreamResponses: new Counter({
      name: 'gateway_upstream_responses_total',
      help: 'Answers relayed from upstream instances, by kind and status class',
      labelNames: ['kind', 'status_class'],
      registers: [registry],
    }),
    upstreamFailures: new Counter({
      name: 'gateway_upstream_failures_total',
      help: 'Proxied requests that failed at the hop: refused, connection lost, timeout, no healthy instance',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Requests sent again to another instance after a connection failure',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
