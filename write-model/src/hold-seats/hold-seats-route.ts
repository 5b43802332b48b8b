import { randomUUID } from 'node:crypto';
import { authOf, holdSeatsBody, loggerOf, parseBody, type ReservationHeldResponse } from '@concert/infra';
import type { Express } from 'express';
import { holdSeats, type Hold } from './hold-seats.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/** Long enough for a hold's appends, short enough that a crashed holder blocks its seats only briefly. */
const LOCK_TTL_MS = 5000;

/** The 201 body of a hold, typed by the api-contract's reservationHeldResponse. */
function heldResponse(reservationId: string, hold: Hold): ReservationHeldResponse {
  return {
    reservationId,
    status: 'HELD',
    scheduleId: hold.scheduleId,
    seatIds: hold.seatIds,
    amount: hold.amount,
    expiresAt: hold.expiresAt.toISOString(),
  };
}

/** POST /reservations {scheduleId, seatIds} -> 201 {reservationId, status: HELD, seatIds, amount, expiresAt} */
export function holdSeatsRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/reservations',
    commandRoute(deps, 'hold-seats', async (req, res) => {
      const body = parseBody(holdSeatsBody, req);
      const reservationId = randomUUID();
      const hold = await holdSeats(
        commandContext(deps, res),
        {
          catalog: deps.catalog,
          holdDurationMs: deps.config.HOLD_DURATION_MS,
          lockTtlMs: LOCK_TTL_MS,
          onLockContended: () => deps.metrics.lockContention.inc(),
          onLockBypassed: (error) => {
            deps.metrics.lockBypassed.inc();
            loggerOf(req).warn({ err: error }, 'seat locks unavailable: holding on the stream revisions alone');
          },
        },
        { reservationId, userId: authOf(res).userId, ...body },
      );
      setConsistencyToken(res, hold.position);
      res.status(201).location(`/reservations/${reservationId}`).json(heldResponse(reservationId, hold));
    }),
  );
}
