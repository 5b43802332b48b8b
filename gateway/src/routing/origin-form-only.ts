import { validationProblem } from '@concert/infra';
import type { RequestHandler } from 'express';

/**
 * Refuses request targets that are not a plain path (`POST http://host/reservations`, the
 * absolute form, or `*`): express routes them by their path, but stages that compare
 * `originalUrl` would not recognise them, and the proxy forwards only the path, so such a
 * request could reach an upstream past a check. Clients of an API send paths.
 */
export function originFormOnly(): RequestHandler {
  return (req, _res, next) => {
    if (req.url.startsWith('/')) {
      next();
      return;
    }
    next(validationProblem('the request target must be a path (origin form), not an absolute URL'));
  };
}
