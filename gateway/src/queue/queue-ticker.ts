import { abortableSleep } from '@concert/infra';
import type { QueueOptions } from './queue-options.js';
import { queueMetrics } from './queue-metrics.js';
import { waitingRoomOf } from './waiting-room-of.js';

export interface QueueTicker {
  /** Ends the loop after the tick in progress. */
  stop(): Promise<void>;
}

/**
 * Every QUEUE_TICK_INTERVAL_MS: expire ended windows and admit the next users in each active
 * concert. Every gateway runs one; the tick is atomic in Redis and computes its credit from
 * the time stored there, so N tickers admit at the configured rate, not N times it. A failed
 * tick (Redis down) is logged and retried at the next interval. The admission governor's
 * share scales the rate and cap while admitted fans' commands are slow.
 */
export function startQueueTicker(options: QueueOptions): QueueTicker {
  const room = waitingRoomOf(options);
  const metrics = options.registry ? queueMetrics(options.registry) : undefined;
  const stopping = new AbortController();
  let failures = 0;
  let ticked = false;

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      // Before the first connection there is nothing to report (readiness says Redis is down).
      if (!ticked && options.redis.status !== 'ready') {
        await abortableSleep(options.config.QUEUE_TICK_INTERVAL_MS, stopping.signal);
        continue;
      }
      try {
        const share = options.governor.share(Date.now());
        const results = await room.tickActive(share);
        metrics?.record(results, share);
        failures = 0;
        ticked = true;
      } catch (error) {
        // One line per outage, not one per interval.
        if (failures++ === 0) options.logger.warn({ err: error }, 'waiting-room tick failed');
      }
      await abortableSleep(options.config.QUEUE_TICK_INTERVAL_MS, stopping.signal);
    }
  };
  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
