import { authOf, cancelReservationBody, parseBody, parseParams, reservationIdParams } from '@concert/infra';
import type { Express } from 'express';
import { cancelReservation } from './cancel-reservation.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/** POST /reservations/{id}/cancel (owner) -> 200 {reservationId, status: CANCELLED} */
export function cancelReservationRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/reservations/:reservationId/cancel',
    commandRoute(deps, 'cancel-reservation', async (req, res) => {
      const { reservationId } = parseParams(reservationIdParams, req);
      parseBody(cancelReservationBody, req);
      const { position } = await cancelReservation(commandContext(deps, res), {
        reservationId,
        userId: authOf(res).userId,
      });
      setConsistencyToken(res, position);
      res.status(200).json({ reservationId, status: 'CANCELLED' });
    }),
  );
}
