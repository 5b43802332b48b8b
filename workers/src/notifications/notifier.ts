import { decodeEvent, type EventStore, type JsMsg } from '@concert/infra';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { startFeedConsumer, type FeedSource } from '../runtime/feed-consumer.js';
import type { PeriodicLoop } from '../runtime/periodic-loop.js';
import { enqueueNotifications } from './delivery-store.js';
import type { Notification } from './notification.js';
import { notificationDraftOf, type NotificationDraft } from './notifying-events.js';
import { reservationHolders } from './reservation-holders.js';

export interface NotifierOptions extends FeedSource {
  knex: Knex;
  /** Where the recipients of events that do not name them are read (their reservation's ReservationHeld). */
  store: EventStore;
  metrics: WorkerMetrics;
}

/** The notifier's durable consumer; every worker instance pulls from it, so each event goes to one of them. */
export const NOTIFIER_DURABLE = 'notifier';

/**
 * Turns the feed's notifying events into outbox rows (delivery-store.ts), one transaction per
 * batch, acked after the commit. The outbox's key on the event id makes a redelivered event a
 * no-op, so no checkpoint or ordering is needed and any number of instances may share the
 * consumer. On nats-server 2.9 a consumer has one filter subject: it takes the whole feed and
 * passes over the other types without parsing them.
 */
export async function startNotifier(options: NotifierOptions): Promise<PeriodicLoop> {
  const { logger, metrics } = options;

  async function enqueue(batch: readonly JsMsg[]): Promise<void> {
    const drafts: NotificationDraft[] = [];
    let undecodable = 0;
    for (const message of batch) {
      try {
        const draft = notificationDraftOf(decodeEvent(message.data));
        if (draft) drafts.push(draft);
      } catch (error) {
        // A notification lost is better than every later one stalled behind it.
        undecodable++;
        logger.error(
          { err: error, streamSequence: message.info.streamSequence },
          'undecodable event skipped by the notifier',
        );
      }
    }
    const notifications = await addressed(drafts);
    const enqueued = await enqueueNotifications(options.knex, notifications);
    metrics.notifierEvents.inc({ outcome: 'enqueued' }, enqueued);
    metrics.notifierEvents.inc({ outcome: 'duplicate' }, notifications.length - enqueued);
    metrics.notifierEvents.inc({ outcome: 'no-recipient' }, drafts.length - notifications.length);
    metrics.notifierEvents.inc({ outcome: 'passed' }, batch.length - drafts.length - undecodable);
    if (undecodable > 0) metrics.notifierEvents.inc({ outcome: 'undecodable' }, undecodable);
  }

  /** Gives every draft its recipient; drafts whose reservation was never held are dropped. */
  async function addressed(drafts: readonly NotificationDraft[]): Promise<Notification[]> {
    const unknown = drafts.filter((d) => d.userId === undefined).map((d) => d.reservationId);
    const holders = await reservationHolders(options.store, unknown);
    const notifications: Notification[] = [];
    for (const draft of drafts) {
      const userId = draft.userId ?? holders.get(draft.reservationId);
      if (userId === undefined) {
        logger.debug({ event: draft.id, reservationId: draft.reservationId }, 'no holder to notify');
        continue;
      }
      notifications.push({ ...draft, userId });
    }
    return notifications;
  }

  return startFeedConsumer({ ...options, name: 'notifier', durable: NOTIFIER_DURABLE, handle: enqueue });
}
