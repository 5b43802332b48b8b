import type { Knex } from 'knex';
import { notificationRow, type Notification, type NotificationKind } from './notification.js';

/**
 * The outbox (migration 004): one row per notification, keyed by its event id. Inserting
 * one that is there already is a no-op, which is what makes a notification go out at most
 * once however often its event is delivered, and by however many workers.
 */
export async function enqueueNotifications(
  db: Knex | Knex.Transaction,
  notifications: readonly Notification[],
): Promise<number> {
  if (notifications.length === 0) return 0;
  const rows = notifications.map(notificationRow);
  const inserted: unknown[] = await db('notification_deliveries')
    .insert(rows)
    .onConflict('event_id')
    .ignore()
    .returning('event_id');
  return inserted.length;
}

export interface PendingDelivery {
  notification: Notification;
  /** Failed attempts so far. */
  attempts: number;
}

interface DeliveryRow {
  event_id: string;
  user_id: string;
  kind: NotificationKind;
  reservation_id: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Claims up to `limit` pending deliveries due at `now`, oldest first. The rows stay locked
 * until the transaction ends and other instances skip them, so one notification is never
 * being sent by two workers at once.
 */
export async function claimDueDeliveries(trx: Knex.Transaction, now: Date, limit: number): Promise<PendingDelivery[]> {
  const { rows } = (await trx.raw(
    `SELECT event_id, user_id, kind, reservation_id, occurred_at, payload, attempts
     FROM notification_deliveries
     WHERE status = 'pending' AND next_attempt_at <= ?
     ORDER BY next_attempt_at
     LIMIT ?
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  )) as { rows: DeliveryRow[] };
  return rows.map((row) => ({
    attempts: row.attempts,
    notification: {
      id: row.event_id,
      userId: row.user_id,
      kind: row.kind,
      reservationId: row.reservation_id,
      occurredAt: row.occurred_at.toISOString(),
      payload: row.payload,
    },
  }));
}

export async function markDelivered(trx: Knex.Transaction, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await trx('notification_deliveries')
    .whereIn('event_id', eventIds)
    .update({ status: 'delivered', delivered_at: trx.fn.now(), attempts: trx.raw('attempts + 1'), last_error: null });
}

/** A failed attempt with attempts to spare: counted, its error kept, tried again at `retryAt`. */
export async function postponeDelivery(
  trx: Knex.Transaction,
  eventId: string,
  error: string,
  retryAt: Date,
): Promise<void> {
  await trx('notification_deliveries')
    .where('event_id', eventId)
    .update({ attempts: trx.raw('attempts + 1'), last_error: error, next_attempt_at: retryAt });
}

/** The last attempt failed: the delivery is dead, and a dead letter keeps what ops need to resend it. */
export async function deadLetter(trx: Knex.Transaction, delivery: PendingDelivery, error: string): Promise<void> {
  const attempts = delivery.attempts + 1;
  await trx('notification_deliveries')
    .where('event_id', delivery.notification.id)
    .update({ status: 'dead', attempts, last_error: error });
  await trx('notification_dead_letters')
    .insert({
      event_id: delivery.notification.id,
      notification: JSON.stringify(delivery.notification),
      attempts,
      last_error: error,
    })
    .onConflict('event_id')
    .ignore();
}

/** Deliveries not yet delivered nor dead. */
export async function countPendingDeliveries(db: Knex): Promise<number> {
  const row = await db('notification_deliveries').where('status', 'pending').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
