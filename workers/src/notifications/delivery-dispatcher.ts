import type { Logger } from '@concert/infra';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { mapBounded } from '../runtime/map-bounded.js';
import { startPeriodicLoop, type PeriodicLoop } from '../runtime/periodic-loop.js';
import {
  claimDueDeliveries,
  deadLetter,
  markDelivered,
  postponeDelivery,
  type PendingDelivery,
} from './delivery-store.js';
import type { NotificationSender } from './notification.js';

export interface DeliveryDispatcherOptions {
  knex: Knex;
  sender: NotificationSender;
  now: () => Date;
  /** Attempts of one delivery, the first included, before it becomes a dead letter. */
  maxAttempts: number;
  /** Wait after the first failure, doubled after each further one. */
  retryBaseMs: number;
  batchSize: number;
  concurrency: number;
  logger: Logger;
  metrics: WorkerMetrics;
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 200;
const MAX_RETRY_MS = 3_600_000;
const MAX_ERROR_TEXT = 2000;

/** Wait before attempt `failed + 1` of a delivery that failed `failed` times. */
export function deliveryRetryDelayMs(baseMs: number, failed: number): number {
  return Math.min(MAX_RETRY_MS, baseMs * 2 ** Math.max(0, failed - 1));
}

/**
 * Sends the outbox's due notifications through the sender: each tick (and at once at start,
 * so retries left by a stopped worker resume), claims a batch with FOR UPDATE SKIP LOCKED,
 * sends it (in one call where the sender has sendAll, else with bounded concurrency), and
 * records each outcome before committing. A failure is
 * retried with exponential backoff; the last one leaves a dead letter.
 *
 * A claimed row stays locked while it is sent, so no other instance sends it meanwhile, and
 * a delivered row is never claimed again. The one window left is a crash after the receiver
 * answered 2xx and before the commit: that delivery is sent again after the restart, with
 * the same X-Notification-Id, which receivers deduplicate on.
 */
export function startDeliveryDispatcher(options: DeliveryDispatcherOptions): PeriodicLoop {
  return startPeriodicLoop(
    'notification dispatcher',
    options.intervalMs ?? DEFAULT_INTERVAL_MS,
    () => dispatchDue(options),
    options.logger,
  );
}

/** One round; true when the batch was full, i.e. more may be due already. */
export async function dispatchDue(options: DeliveryDispatcherOptions): Promise<boolean> {
  const { knex, sender, metrics, logger } = options;
  return knex.transaction(async (trx) => {
    const due = await claimDueDeliveries(trx, options.now(), options.batchSize);
    if (due.length === 0) return false;
    const outcomes = (await sentAll(sender, due)) ?? (await sentOneByOne(sender, due, options.concurrency));

    const delivered = outcomes.filter((o) => o.error === undefined).map((o) => o.delivery);
    await markDelivered(
      trx,
      delivered.map((d) => d.notification.id),
    );
    let dead = 0;
    for (const { delivery, error } of outcomes) {
      if (error === undefined) continue;
      const attempts = delivery.attempts + 1;
      const log = {
        notification: delivery.notification.id,
        kind: delivery.notification.kind,
        sender: sender.name,
        attempts,
        error,
      };
      metrics.notificationFailures.inc({ sender: sender.name });
      if (attempts >= options.maxAttempts) {
        await deadLetter(trx, delivery, error);
        dead++;
        logger.error(log, 'notification undeliverable, dead-lettered');
      } else {
        const retryAt = new Date(options.now().getTime() + deliveryRetryDelayMs(options.retryBaseMs, attempts));
        await postponeDelivery(trx, delivery.notification.id, error, retryAt);
        logger.warn({ ...log, retryAt }, 'notification delivery failed, retrying later');
      }
    }
    for (const d of delivered) metrics.notificationsDelivered.inc({ kind: d.notification.kind, sender: sender.name });
    if (dead > 0) metrics.notificationDeadLetters.inc({ sender: sender.name }, dead);
    return due.length === options.batchSize;
  });
}

type Outcome = { delivery: PendingDelivery; error: string | undefined };

/**
 * The whole batch in one call where the sender has one (the inbox: one INSERT instead of a
 * query per notification, which under a wave of expiries was the worker's most frequent
 * statement). Undefined when it has none or it failed: then each is sent alone.
 */
async function sentAll(sender: NotificationSender, due: readonly PendingDelivery[]): Promise<Outcome[] | undefined> {
  if (!sender.sendAll || due.length < 2) return undefined;
  try {
    await sender.sendAll(due.map((d) => d.notification));
    return due.map((delivery) => ({ delivery, error: undefined }));
  } catch {
    return undefined;
  }
}

async function sentOneByOne(
  sender: NotificationSender,
  due: readonly PendingDelivery[],
  concurrency: number,
): Promise<Outcome[]> {
  return mapBounded(due, concurrency, async (delivery) => {
    try {
      await sender.send(delivery.notification);
      return { delivery, error: undefined };
    } catch (error) {
      return { delivery, error: errorText(error) };
    }
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_TEXT);
}
