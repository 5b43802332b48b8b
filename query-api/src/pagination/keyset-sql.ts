import type { Knex } from 'knex';

/**
 * SQL for keyset cursors on a timestamptz column. The time travels as integer microseconds:
 * PostgreSQL keeps microseconds, and rounding them to a JS Date's milliseconds would make a
 * page boundary skip or repeat rows created within the same millisecond.
 */

/** The column as decimal microseconds since the epoch (extract() is exact numeric on PG 14+). */
export function microsOf(db: Knex, column: string, alias: string): Knex.Raw {
  return db.raw('(extract(epoch from ??) * 1000000)::bigint::text AS ??', [column, alias]);
}

/** The timestamptz of a cursor's microseconds; takes one binding. */
export const TIME_OF_MICROS = "('epoch'::timestamptz + ?::bigint * interval '1 microsecond')";
