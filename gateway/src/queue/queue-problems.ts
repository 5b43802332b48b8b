import { HttpProblem } from '@concert/infra';

/** The waiting room's refusals (docs/api.md codes); the queue token's are infra's common problems. */

export function notFound(code: `${string}-not-found`, detail: string): HttpProblem {
  return new HttpProblem({ status: 404, code, detail });
}

/**
 * The answer to a payment of a reservation that is not HELD, with the command API's codes:
 * 409 `already-paid` when it is CONFIRMED, 409 `reservation-not-held` otherwise.
 */
export function reservationNotHeld(reservationId: string, status: string): HttpProblem {
  if (status === 'CONFIRMED') {
    return new HttpProblem({
      status: 409,
      code: 'already-paid',
      detail: `reservation ${reservationId} is CONFIRMED: it is already paid`,
    });
  }
  return new HttpProblem({
    status: 409,
    code: 'reservation-not-held',
    detail: `reservation ${reservationId} is ${status}: it can no longer be paid`,
  });
}
