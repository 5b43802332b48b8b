import type { Knex } from 'knex';

/**
 * The payment recovery worker's scan (findStuckPayments: REQUESTED payments oldest first) walks
 * this index and reads only the payments it lists. Without it every scan read all of
 * rm_payments, which holds every payment ever made: 1.5 ms a scan in bench:onsale with a few
 * thousand payments (486 scans in one run, pg_stat_statements), growing with the table.
 */
export const name = '011-stuck-payments-index';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX rm_payments_requested ON rm_payments (requested_at) WHERE status = 'REQUESTED'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS rm_payments_requested');
}
