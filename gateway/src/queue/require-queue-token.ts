import { entityIdSchema } from '@concert/domain';
import {
  authOf,
  HttpProblem,
  InvalidQueueTokenError,
  isDependencyUnavailable,
  loggerOf,
  parseBody,
  queueTokenInvalidProblem,
  queueTokenRequiredProblem,
  type Logger,
} from '@concert/infra';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { followAdmittedCommand } from './admitted-command.js';
import type { ConcertLookup, Caller } from './concert-lookup.js';
import type { QueueOptions } from './queue-options.js';
import { notFound, reservationNotHeld } from './queue-problems.js';
import { callerOf } from './queue-router.js';
import { concertLookupOf, queueTokensOf, waitingRoomOf } from './waiting-room-of.js';

// Only the field the check needs; the command API validates the rest of the body.
const payBody = z.object({ reservationId: entityIdSchema });

/**
 * The waiting room's gate on POST /reservations and POST /payments (other requests pass):
 * 401 `queue-token-required` without a Queue-Token header, 401 `queue-token-invalid` unless it
 * is signed by us, unexpired, issued to the caller, and its session is still admitted (not
 * expired, not ended by a payment). Whether the token is for the right concert is decided
 * where that concert is known without a read model: for a hold, by the command API from its
 * own catalog (the token's concert is forwarded, see `verifiedQueueConcertOf`); for a payment,
 * here, from the concert remembered at the hold (or asked of the query API). A payment refused
 * so, for a reservation that is no longer HELD (already paid, expired, cancelled), gets the
 * command API's answer instead: 409 `already-paid` or `reservation-not-held`. What follows an
 * admitted command's answer: followAdmittedCommand.
 * Behind authentication, after the JSON body parser.
 */
export function requireQueueToken(options: QueueOptions): RequestHandler {
  const room = waitingRoomOf(options);
  const tokens = queueTokensOf(options);
  const lookup = concertLookupOf(options);

  return async (req, res, next) => {
    const kind = guardedRoute(req);
    if (kind === undefined) {
      next();
      return;
    }
    const startedAt = performance.now();
    const token = req.headers['queue-token'];
    if (typeof token !== 'string' || token.trim() === '') throw queueTokenRequiredProblem();
    const { userId } = authOf(res);
    const log = Object.hasOwn(req, 'log') ? loggerOf(req) : options.logger;

    const caller = callerOf(req, res);
    let concertId: string;
    let entryId: string;
    let reservationId: string | undefined;
    try {
      try {
        if (kind === 'hold') {
          ({ concertId, entryId } = tokens.verifyForUser(token.trim(), userId));
        } else {
          reservationId = parseBody(payBody, req).reservationId;
          const found = await lookup.concertOfReservation(reservationId, caller);
          if (found === undefined) throw notFound('reservation-not-found', `no reservation ${reservationId}`);
          concertId = found;
          entryId = tokens.verify(token.trim(), { userId, concertId }).entryId;
        }
      } catch (error) {
        if (!(error instanceof InvalidQueueTokenError)) throw error;
        log.info({ reason: error.message }, 'queue token refused');
        throw queueTokenInvalidProblem();
      }
      await assertStillAdmitted(room, concertId, userId, entryId, log);
    } catch (refusal) {
      // Paying a reservation that is no longer HELD (typically: already paid, which also ended
      // the session) is refused for that reason, the one the command API would give.
      if (reservationId !== undefined && refusal instanceof HttpProblem && refusal.code === 'queue-token-invalid') {
        await refuseUnlessHeld(lookup, reservationId, caller, log);
      }
      throw refusal;
    }
    if (kind === 'hold') res.locals.verifiedQueueConcert = concertId;
    followAdmittedCommand(options, res, { kind, concertId, userId, startedAt, log: () => log });
    next();
  };
}

/**
 * The concert of the queue token this gateway verified for the request (a hold), which the
 * proxy forwards as VERIFIED_QUEUE_CONCERT_HEADER; undefined for any other request.
 */
export function verifiedQueueConcertOf(res: Response): string | undefined {
  const concertId: unknown = res.locals.verifiedQueueConcert;
  return typeof concertId === 'string' ? concertId : undefined;
}

function guardedRoute(req: Request): 'hold' | 'pay' | undefined {
  if (req.method !== 'POST') return undefined;
  // `req.path` is the path the router matched (a fragment or query already cut off), read as
  // leniently as any router might (`/Reservations/`), so no spelling slips past the check.
  const path = req.path.replace(/\/+$/, '').toLowerCase();
  if (path === '/reservations') return 'hold';
  if (path === '/payments') return 'pay';
  return undefined;
}

/**
 * A signed token outlives its session when the session ends early (a payment completed) or
 * the ticker expired it: only an entry still admitted may act. When Redis cannot answer,
 * the signature and expiry alone decide, since the token itself bounds the session.
 */
async function assertStillAdmitted(
  room: ReturnType<typeof waitingRoomOf>,
  concertId: string,
  userId: string,
  entryId: string,
  log: Logger,
): Promise<void> {
  try {
    const entry = await room.entryOf(concertId, userId);
    if (entry?.status === 'ADMITTED' && entry.entryId === entryId) return;
    log.info({ status: entry?.status }, 'queue token refused: session not admitted');
  } catch (error) {
    if (!isDependencyUnavailable(error)) throw error;
    log.warn({ err: error }, 'waiting room unavailable: queue token checked by signature only');
    return;
  }
  throw queueTokenInvalidProblem();
}

/** Throws 409 `already-paid` / `reservation-not-held` when the read model says the reservation is not HELD. */
async function refuseUnlessHeld(
  lookup: ConcertLookup,
  reservationId: string,
  caller: Caller,
  log: Logger,
): Promise<void> {
  let status: string | undefined;
  try {
    status = await lookup.statusOfReservation(reservationId, caller);
  } catch (error) {
    log.warn({ err: error }, 'could not read the reservation status; refusing the queue token');
    return;
  }
  if (status !== undefined && status !== 'HELD') throw reservationNotHeld(reservationId, status);
}
