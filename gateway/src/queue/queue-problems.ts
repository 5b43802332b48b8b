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

/** The command API's answer for a payment of a reservation that is not HELD (API.md). */
export function reservationNotHeld(reservationId: string, status: string): HttpProblem {
  const why = status === 'CONFIRMED' ? 'it is already paid' : 'it can no longer be paid';
  return new HttpProblem({ status: 409, code: 'reservation-not-held', detail: `reservation ${reservationId} is ${status}: ${why}` });
}
