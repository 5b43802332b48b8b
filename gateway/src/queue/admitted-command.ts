import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@concert/infra';
import type { QueueOptions } from './queue-options.js';
import { concertLookupOf, waitingRoomOf } from './waiting-room-of.js';

/** `/reservations/{id}` in a hold's Location header. */
const RESERVATION_LOCATION = /\/reservations\/([A-Za-z0-9_-]{1,64})$/;

export interface AdmittedCommand {
  kind: 'hold' | 'pay';
  /** The concert of the caller's admitted session. */
  concertId: string;
  userId: string;
  /** `performance.now()` when the queue token check began. */
  startedAt: number;
  /** The request's logger, asked for only when there is something to log. */
  log: () => Logger;
}

/**
 * What follows a command the queue token let through, once its answer is sent: how long it
 * took feeds the admission governor; a 201 hold remembers its reservation's concert (so the
 * payment needs no read model); a 201 payment ends the session and frees the slot.
 */
export function followAdmittedCommand(options: QueueOptions, res: ServerResponse, command: AdmittedCommand): void {
  const { kind, concertId, userId, startedAt, log } = command;
  res.once('finish', () => {
    options.governor.observe(performance.now() - startedAt);
    if (res.statusCode !== 201) return;
    if (kind === 'hold') {
      const reservationId = reservationIdOf(res);
      if (reservationId !== undefined) {
        concertLookupOf(options)
          .rememberReservation(reservationId, concertId)
          .catch((error: unknown) => log().warn({ err: error }, 'could not remember a hold'));
      }
    } else {
      waitingRoomOf(options)
        .complete(concertId, userId)
        .catch((error: unknown) => log().warn({ err: error }, 'could not end a queue session'));
    }
  });
}

function reservationIdOf(res: ServerResponse): string | undefined {
  const location = res.getHeader('location');
  return typeof location === 'string' ? RESERVATION_LOCATION.exec(location)?.[1] : undefined;
}
