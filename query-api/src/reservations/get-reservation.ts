import { entityIdSchema } from '@concert/domain';
import { authOf, parseParams, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { noQuerySchema } from '../no-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { assertOwner, notFound } from '../query-problems.js';
import { reservationColumns, reservationView, type ReservationRow } from './reservation-view.js';

const paramsSchema = z.object({ reservationId: entityIdSchema });

/**
 * GET /reservations/{id} (owner) -> 200 {reservationId, status, seatIds, amount, expiresAt, paymentId?,
 * scheduleId}; 403, 404. The schedule lets the gateway find the concert of a payment's queue token.
 */
export function getReservationRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/reservations/:reservationId', async (req, res) => {
    const { reservationId } = parseParams(paramsSchema, req);
    parseQuery(noQuerySchema, req);
    const row = await deps.reader.read({
      projections: [PROJECTIONS.reservations],
      token: consistencyTokenOf(req),
      load: (db) =>
        db('rm_reservations')
          .first<ReservationRow | undefined>(reservationColumns(db))
          .where({ reservation_id: reservationId }),
    });
    if (row === undefined) throw notFound('reservation-not-found', `no reservation ${reservationId}`);
    assertOwner(row.user_id, authOf(res).userId, 'reservation');
    res.status(200).json(reservationView(row));
  });
}
