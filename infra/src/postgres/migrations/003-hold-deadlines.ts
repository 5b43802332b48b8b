import type { Knex } from 'knex';

/**
 * The expiry saga's deadlines (docs/architecture.md, 'Workers'): one row per hold to time out,
 * written by the workers' deadline recorder from the feed and claimed by their timers with
 * FOR UPDATE SKIP LOCKED, so any number of worker instances share them without doing one twice.
 *
 * - kind 'reservation': a ReservationHeld; schedule_id and seat_id are '' (part of the key).
 * - kind 'seat': a SeatHeld. The reservation id is part of the key, so a later hold of the
 *   same seat is another deadline. Its due_at is a little after the hold's own deadline: the
 *   reservation path usually frees the seat first, and this one only catches orphans.
 *
 * A row is never deleted when its hold ends but settled (settled_at set: a tombstone), and
 * an insert never revives a settled row. A terminal event redelivered ahead of its hold
 * (several instances, a nak) therefore cannot leave a deadline behind. Tombstones are purged
 * after a retention period.
 */
export const name = '003-hold-deadlines';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE hold_deadlines (
      kind text NOT NULL CHECK (kind IN ('reservation', 'seat')),
      reservation_id text NOT NULL,
      schedule_id text NOT NULL DEFAULT '',
      seat_id text NOT NULL DEFAULT '',
      -- NULL only for a tombstone whose hold was never seen.
      due_at timestamptz,
      -- The event that set the deadline: causation of the timeout command.
      source_event_id text,
      correlation_id text,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      next_attempt_at timestamptz,
      settled_at timestamptz,
      -- What ended it: the id of a terminal event, or the timer's outcome.
      settled_by text,
      PRIMARY KEY (reservation_id, kind, schedule_id, seat_id),
      CHECK (settled_at IS NOT NULL OR (due_at IS NOT NULL AND next_attempt_at IS NOT NULL))
    );
    -- Due first: the timers' claim, and the pending/overdue gauges.
    CREATE INDEX hold_deadlines_due ON hold_deadlines (due_at) WHERE settled_at IS NULL;
    CREATE INDEX hold_deadlines_settled ON hold_deadlines (settled_at) WHERE settled_at IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS hold_deadlines');
}
