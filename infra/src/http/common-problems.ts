import { HttpProblem } from './problem.js';

/** The refusals docs/api.md lists as common to every endpoint, built one way everywhere. */

export interface FieldError {
  /** Dotted path into the input, e.g. `seatIds.0`; empty for the input as a whole. */
  path: string;
  message: string;
}

export function validationProblem(detail: string, errors: readonly FieldError[] = []): HttpProblem {
  return new HttpProblem({ status: 400, code: 'validation', detail, extra: { errors } });
}

export function unauthenticatedProblem(detail: string, wwwAuthenticate = 'Bearer'): HttpProblem {
  return new HttpProblem({
    status: 401,
    code: 'unauthenticated',
    detail,
    headers: { 'WWW-Authenticate': wwwAuthenticate },
  });
}

export function forbiddenProblem(detail: string): HttpProblem {
  return new HttpProblem({ status: 403, code: 'forbidden', detail });
}

export function notFoundProblem(detail: string): HttpProblem {
  return new HttpProblem({ status: 404, code: 'not-found', detail });
}

export function payloadTooLargeProblem(detail: string): HttpProblem {
  return new HttpProblem({ status: 413, code: 'payload-too-large', detail });
}

export function unsupportedMediaTypeProblem(detail: string): HttpProblem {
  return new HttpProblem({ status: 415, code: 'unsupported-media-type', detail });
}

export function unavailableProblem(detail: string, retryAfterSeconds = 1): HttpProblem {
  return new HttpProblem({ status: 503, code: 'unavailable', detail, retryAfterSeconds });
}

export function queueTokenRequiredProblem(): HttpProblem {
  return new HttpProblem({
    status: 401,
    code: 'queue-token-required',
    detail: 'a Queue-Token header from the waiting room is required',
  });
}

/** One answer for every reason (forged, expired, ended, other user or concert): the reason goes to the log only. */
export function queueTokenInvalidProblem(): HttpProblem {
  return new HttpProblem({
    status: 401,
    code: 'queue-token-invalid',
    detail: 'the queue token is invalid, expired, or not for this user and concert; wait in the queue again',
  });
}

/** A known path asked with a method it does not take; `allow` lists those it does (the `Allow` header). */
export function methodNotAllowedProblem(method: string, path: string, allow: readonly string[]): HttpProblem {
  return new HttpProblem({
    status: 405,
    code: 'method-not-allowed',
    detail: `${path} does not take ${method}; it takes ${allow.join(', ')}`,
    headers: { Allow: allow.join(', ') },
  });
}
