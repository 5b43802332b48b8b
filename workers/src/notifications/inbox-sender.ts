import type { Knex } from 'knex';
import { notificationRow, type Notification, type NotificationSender } from './notification.js';

/**
 * The sender when no webhook is configured: the notification becomes a row of the
 * `notifications` table, which the query API serves as GET /me/notifications. Keyed by the
 * event id, so a second send of the same notification changes nothing.
 */
export function inboxSender(db: Knex): NotificationSender {
  return {
    name: 'inbox',
    async send(n: Notification) {
      await insertAll(db, [n]);
    },
    async sendAll(notifications: readonly Notification[]) {
      await insertAll(db, notifications);
    },
  };
}

async function insertAll(db: Knex, notifications: readonly Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  await db('notifications').insert(notifications.map(notificationRow)).onConflict('event_id').ignore();
}
