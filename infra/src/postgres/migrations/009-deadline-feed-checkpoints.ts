import type { Knex } from 'knex';

/**
 * Where the expiry saga's feed sweep has read the event store's own feed to (issue 14 item 3):
 * the sweep records hold deadlines from the event store, not from NATS, so holds expire even
 * when NATS is down, loses its stream, or the saga's consumer falls past NATS_MAX_AGE_HOURS.
 * Only ever moved forwards (several worker instances may sweep the same events: recording a
 * deadline twice is a no-op).
 */
export const name = '009-deadline-feed-checkpoints';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE deadline_feed_checkpoints (
      name text PRIMARY KEY,
      commit_position numeric(20, 0) NOT NULL,
      prepare_position numeric(20, 0) NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS deadline_feed_checkpoints');
}
