import { randomUUID } from 'node:crypto';
import {
  authOf,
  holdSeatsBody,
  loggerOf,
  parseBody,
  queueTokenInvalidProblem,
  VERIFIED_QUEUE_CONCERT_HEADER,
  type Logger,
  type ReservationHeldResponse,
} from '@concert/infra';
import type { Express } from 'express';
import { holdSeats, type Hold } from './hold-seats.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import type { ScheduleCatalog } from '../command-loop/schedule-catalog.js';
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
      const queueConcert = req.headers[VERIFIED_QUEUE_CONCERT_HEADER];
      if (typeof queueConcert === 'string')
        await assertScheduleOfConcert(deps.catalog, body.scheduleId, queueConcert, loggerOf(req));
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

/**
 * The gateway verified the caller's queue token (signature, user, admission) and forwarded its
 * concert; whether the schedule belongs to that concert is known here, from the catalog, with
 * no read model (a schedule added a moment ago is holdable). A mismatch is the gateway's 401
 * `queue-token-invalid`; an unknown schedule is left to the hold (404 `schedule-not-found`).
 */
async function assertScheduleOfConcert(
  catalog: ScheduleCatalog,
  scheduleId: string,
  concertId: string,
  log: Logger,
): Promise<void> {
  const schedule = await catalog.schedule(scheduleId);
  if (schedule.status === 'Empty' || schedule.concertId === concertId) return;
  log.info(
    { scheduleId, concertId: schedule.concertId, queueConcert: concertId },
    'queue token refused: it is for another concert',
  );
  throw queueTokenInvalidProblem();
}
