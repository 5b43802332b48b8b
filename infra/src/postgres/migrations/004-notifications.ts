import type { Knex } from 'knex';

/**
 * Notifications (issue 6): written by the workers' notifier from the feed, one per event.
 *
 * - notification_deliveries: the outbox. One row per notifying event, keyed by the event id,
 *   so a redelivered message or a second worker instance inserts nothing new: a notification
 *   is sent at most once per event. Senders' dispatchers claim due rows with FOR UPDATE SKIP
 *   LOCKED; a failed attempt moves next_attempt_at (exponential backoff), so retries survive
 *   a restart. status: pending -> delivered, or -> dead after the last attempt.
 * - notification_dead_letters: what the last attempt left, for ops: the notification, the
 *   attempts and the last error.
 * - notifications: the inbox that GET /me/notifications serves (the sender when no webhook is
 *   configured), newest first per user.
 */
export const name = '004-notifications';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE notification_deliveries (
      event_id text PRIMARY KEY,
      user_id text NOT NULL,
      kind text NOT NULL,
      reservation_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    );
    -- The dispatchers' claim and the pending gauge.
    CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';

    CREATE TABLE notification_dead_letters (
      event_id text PRIMARY KEY REFERENCES notification_deliveries (event_id),
      notification jsonb NOT NULL,
      attempts integer NOT NULL,
      last_error text NOT NULL,
      dead_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE notifications (
      event_id text PRIMARY KEY,
      user_id text NOT NULL,
      kind text NOT NULL,
      reservation_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- GET /me/notifications walks this in order (keyset: occurred_at DESC, event_id).
    CREATE INDEX notifications_by_user ON notifications (user_id, occurred_at DESC, event_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS notifications, notification_dead_letters, notification_deliveries');
}
