import { authOf, parseQuery, type ReservationView } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import type { Cursor } from '../pagination/cursor.js';
import { pageOf, sendPage, type KeysetRow } from '../pagination/keyset-page.js';
import { microsOf, TIME_OF_MICROS } from '../pagination/keyset-sql.js';
import { pageQuerySchema } from '../pagination/page-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { reservationColumns, reservationView, type ReservationRow } from './reservation-view.js';

interface ReservationItem extends KeysetRow {
  reservation: ReservationView;
}

/**
 * GET /me/reservations?limit&cursor -> 200 [reservation as in GET /reservations/{id}], newest
 * first; the next page's cursor in X-Next-Cursor / Link. Not cached: per user, and it
 * changes with every hold.
 */
export function listMyReservationsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/me/reservations', async (req, res) => {
    const { limit, cursor } = parseQuery(pageQuerySchema, req);
    const userId = authOf(res).userId;
    const items = await deps.reader.read({
      projections: [PROJECTIONS.reservations],
      token: consistencyTokenOf(req),
      load: (db) => loadReservations(db, userId, cursor, limit + 1),
    });
    sendPage(req, res, pageOf(items ?? [], limit), limit, (item) => item.reservation);
  });
}

/** Walks rm_reservations_by_user (user_id, created_at DESC, reservation_id) in index order. */
async function loadReservations(
  db: Knex,
  userId: string,
  before: Cursor | undefined,
  count: number,
): Promise<ReservationItem[]> {
  const query = db('rm_reservations')
    .select<(ReservationRow & { created_us: string })[]>([
      ...reservationColumns(db),
      microsOf(db, 'created_at', 'created_us'),
    ])
    .where({ user_id: userId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'reservation_id', order: 'asc' },
    ])
    .limit(count);
  if (before !== undefined) {
    // Mixed directions rule out a row comparison: older, or as old with a greater id.
    query.whereRaw(`(created_at < ${TIME_OF_MICROS} OR (created_at = ${TIME_OF_MICROS} AND reservation_id > ?))`, [
      before.atMicros,
      before.atMicros,
      before.id,
    ]);
  }
  const rows = await query;
  return rows.map((row) => ({
    reservation: reservationView(row),
    cursor: { atMicros: row.created_us, id: row.reservation_id },
  }));
}
