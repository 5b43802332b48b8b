import { randomUUID } from 'node:crypto';
import {
  authOf,
  DEFAULT_BODY_LIMIT_BYTES,
  holdSeatsBody,
  loggerOf,
  parseBody,
  queueTokenInvalidProblem,
  requestIdOf,
  VERIFIED_QUEUE_CONCERT_HEADER,
  type CommandAnswer,
  type CommandRequest,
  type FastCommandRoute,
  type Logger,
  type ReservationHeldResponse,
} from '@concert/infra';
import type { Express } from 'express';
import { holdSeats, type Hold } from './hold-seats.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import type { ScheduleCatalog } from '../command-loop/schedule-catalog.js';
import {
  commandContextFor,
  commandRoute,
  consistencyTokenHeader,
  countedOutcome,
} from '../command-loop/command-route.js';

/** Long enough for a hold's appends, short enough that a crashed holder blocks its seats only briefly. */
const LOCK_TTL_MS = 5000;
const PATH = '/reservations';
const COMMAND = 'hold-seats';

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
  const hold = holdSeatsCommand(deps);
  app.post(
    PATH,
    commandRoute(deps, COMMAND, async (req, res) => {
      const answer = await hold({
        body: req.body,
        auth: authOf(res),
        requestId: requestIdOf(res),
        headers: req.headers,
        log: loggerOf(req),
      });
      res.status(answer.status).set(answer.headers).json(answer.body);
    }),
  );
}

/** The same command for the fast path in front of express (createCommandListener): the plain hold, the on-sale's request. */
export function holdSeatsFastRoute(deps: CommandApiDeps): FastCommandRoute {
  const hold = holdSeatsCommand(deps);
  return {
    path: PATH,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    handle: (request) => countedOutcome(deps, COMMAND, hold(request)),
  };
}

/** The hold as both paths run it: the body checked, the queue token's concert matched, the seats held, the 201. */
function holdSeatsCommand(deps: CommandApiDeps): (request: CommandRequest) => Promise<CommandAnswer> {
  return async ({ body: input, auth, requestId, headers, log }) => {
    const body = parseBody(holdSeatsBody, { body: input });
    const queueConcert = headers[VERIFIED_QUEUE_CONCERT_HEADER];
    if (typeof queueConcert === 'string')
      await assertScheduleOfConcert(deps.catalog, body.scheduleId, queueConcert, log);
    const reservationId = randomUUID();
    const hold = await holdSeats(
      commandContextFor(deps, requestId, auth.userId),
      {
        catalog: deps.catalog,
        holdDurationMs: deps.config.HOLD_DURATION_MS,
        lockTtlMs: LOCK_TTL_MS,
        onLockContended: () => deps.metrics.lockContention.inc(),
        onLockBypassed: (error) => {
          deps.metrics.lockBypassed.inc();
          log.warn({ err: error }, 'seat locks unavailable: holding on the stream revisions alone');
        },
      },
      { reservationId, userId: auth.userId, ...body },
    );
    return {
      status: 201,
      headers: { ...consistencyTokenHeader(hold.position), Location: `/reservations/${reservationId}` },
      body: heldResponse(reservationId, hold),
    };
  };
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
