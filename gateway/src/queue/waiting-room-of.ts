import { QueueTokens, WaitingRoom } from '@concert/infra';
import type { QueueOptions } from './queue-options.js';

/** The waiting room and token service the queue's pieces share, built from their options. */
export function waitingRoomOf(options: QueueOptions): WaitingRoom {
  const { config } = options;
  return new WaitingRoom(options.redis, {
    admitPerSecond: config.QUEUE_ADMIT_PER_SECOND,
    maxAdmitted: config.QUEUE_MAX_ADMITTED,
    admissionWindowMs: config.QUEUE_ADMISSION_WINDOW_MS,
    ...options.tuning,
  });
}

export function queueTokensOf(options: QueueOptions): QueueTokens {
  return new QueueTokens(options.config.QUEUE_TOKEN_SECRET);
}
