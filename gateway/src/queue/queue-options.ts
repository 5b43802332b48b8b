import type { Config, Logger, RedisClient, Registry } from '@concert/infra';
import type { WaitingRoomSettings } from '@concert/infra';
import type { AdmissionGovernor } from './admission-governor.js';

export type QueueConfig = Pick<
  Config,
  | 'QUEUE_ADMIT_PER_SECOND'
  | 'QUEUE_MAX_ADMITTED'
  | 'QUEUE_ADMISSION_WINDOW_MS'
  | 'QUEUE_TOKEN_SECRET'
  | 'QUEUE_TICK_INTERVAL_MS'
  | 'QUEUE_ADMISSION_TARGET_MS'
>;

/** What the waiting room's router, queue-token check and ticker need; the gateway builds it once (open-gateway.ts). */
export interface QueueOptions {
  config: QueueConfig;
  /** The gateway's Redis (keys under REDIS_KEY_PREFIX). */
  redis: RedisClient;
  /** A healthy query-api base URL (the query pool's `pick()`), undefined when none is healthy. */
  queryBaseUrl: () => string | undefined;
  logger: Logger;
  /** Where the queue gauges go (the gateway's /metrics); none when omitted. */
  registry?: Registry;
  /** Scales admission to the write path's latency: fed by the queue-token check, read by the ticker. */
  governor: AdmissionGovernor;
  /** Overrides of the waiting room's tuning (tests: a short measured-rate time constant). */
  tuning?: Pick<WaitingRoomSettings, 'rateTimeConstantMs' | 'maxBurstSeconds' | 'retentionMs'>;
}
