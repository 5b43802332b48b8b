import type { Knex } from 'knex';

/**
 * The expiry timers' claim (claimDue) walks one of these: the open deadlines of one kind, next
 * attempt first, so it reads only the rows it takes. Ordered by due_at (hold_deadlines_due) the
 * claim also read every leased and every waiting seat deadline ahead of the ones it could take,
 * and with the statistics of a table filled within minutes PostgreSQL chose a bitmap scan of all
 * due rows, a probe of the reservation for each seat among them, and a sort: 3 to 10 s per claim
 * with 50,000 holds due (EXPLAIN ANALYZE, bench:expiry, issue 14), 15 ms on these indexes.
 *
 * One partial index per kind rather than one on (kind, next_attempt_at): that one was taken by
 * settleDeadlines too, whose join on the kind then read every open deadline of the kind for each
 * row it settled (more than 20 s per settle in bench:expiry).
 */
export const name = '010-hold-deadlines-claim-index';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX hold_deadlines_claim_reservations ON hold_deadlines (next_attempt_at)
      WHERE settled_at IS NULL AND kind = 'reservation';
    CREATE INDEX hold_deadlines_claim_seats ON hold_deadlines (next_attempt_at) WHERE settled_at IS NULL AND kind = 'seat';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS hold_deadlines_claim_reservations, hold_deadlines_claim_seats');
}
