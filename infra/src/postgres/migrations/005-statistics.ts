import type { Knex } from 'knex';

/**
 * The statistics read model (issue 6, "statistics and log aggregation"), written by the
 * projectors' `statistics` projection alone and served by the query API's /admin/stats.
 * Built from the feed only, so it keeps its own concert and schedule ids rather than reading
 * the catalog's tables.
 *
 * - rm_stats_by_minute: counters per schedule and UTC minute of the event's time. `holds_confirmed`
 *   is filed under the minute of the HOLD (the cohort: of the holds made in that minute, how many
 *   were confirmed since), so conversion = holds_confirmed / holds never exceeds 1.
 * - rm_stats_reservations: one row per reservation held, to find its hold minute and hold time
 *   when it ends, and to give the median time from hold to confirmation (percentile_cont at
 *   query time over `hold_to_confirm_ms` by `ended_minute`).
 */
export const name = '005-statistics';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE rm_stats_concerts (
      concert_id text PRIMARY KEY
    );

    CREATE TABLE rm_stats_schedules (
      schedule_id text PRIMARY KEY,
      concert_id text NOT NULL
    );
    CREATE INDEX rm_stats_schedules_by_concert ON rm_stats_schedules (concert_id);

    CREATE TABLE rm_stats_by_minute (
      schedule_id text NOT NULL,
      minute timestamptz NOT NULL,
      holds integer NOT NULL DEFAULT 0,
      seats_held integer NOT NULL DEFAULT 0,
      expiries integer NOT NULL DEFAULT 0,
      cancellations integer NOT NULL DEFAULT 0,
      confirmations integer NOT NULL DEFAULT 0,
      seats_sold integer NOT NULL DEFAULT 0,
      revenue bigint NOT NULL DEFAULT 0,
      holds_confirmed integer NOT NULL DEFAULT 0,
      PRIMARY KEY (schedule_id, minute)
    );

    CREATE TABLE rm_stats_reservations (
      reservation_id text PRIMARY KEY,
      schedule_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
      held_at timestamptz NOT NULL,
      ended_at timestamptz,
      ended_minute timestamptz,
      hold_to_confirm_ms bigint,
      CHECK ((status = 'CONFIRMED') = (hold_to_confirm_ms IS NOT NULL))
    );
    -- The medians: confirmed reservations of a schedule by the minute they were confirmed in.
    CREATE INDEX rm_stats_reservations_confirmed ON rm_stats_reservations (schedule_id, ended_minute)
      INCLUDE (hold_to_confirm_ms) WHERE status = 'CONFIRMED';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP TABLE IF EXISTS rm_stats_reservations, rm_stats_by_minute, rm_stats_schedules, rm_stats_concerts',
  );
}
