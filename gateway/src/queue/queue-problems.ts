import { HttpProblem } from '@concert/infra';

/** The waiting room's refusals (docs/api.md codes). */

export function queueTokenRequired(): HttpProblem {
  return new HttpProblem({ status: 401, code: 'queue-token-required', detail: 'a Queue-Token header from the waiting room is required' });
}

/** One answer for every reason (forged, expired, ended, other user or concert): the reason goes to the log only. */
export function queueTokenInvalid(): HttpProblem {
  return new HttpProblem({
    status: 401,
    code: 'queue-token-invalid',
    detail: 'the queue token is invalid, expired, or not for this user and concert; wait in the queue again',
  });
}

export function notFound(code: `${string}-not-found`, detail: string): HttpProblem {
  return new HttpProblem({ status: 404, code, detail });
}

/**
 * The answer to a payment of a reservation that is not HELD, with the command API's codes:
 * 409 `already-paid` when it is CONFIRMED, 409 `reservation-not-held` otherwise.
 */
export function reservationNotHeld(reservationId: string, status: string): HttpProblem {
  if (status === 'CONFIRMED') {
    return new HttpProblem({ status: 409, code: 'already-paid', detail: `reservation ${reservationId} is CONFIRMED: it is already paid` });
  }
  return new HttpProblem({ status: 409, code: 'reservation-not-held', detail: `reservation ${reservationId} is ${status}: it can no longer be paid` });
}
