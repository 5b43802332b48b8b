import { validationProblem } from '@concert/infra';
import type { RequestHandler } from 'express';

/**
 * A path of plain segments: letters, digits, `-`, `.`, `_`, `~` (every id and route of the API
 * is spelled so). No percent-encoding, `;` parameters, backslashes, empty segments (`//`) or
 * dot segments (`/./`, `/../`), which a router, a proxy and an upstream may each read
 * differently; a trailing `/` is left to the allow-list (404).
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9._~-]+)*\/?$/;
const DOT_SEGMENT = /\/\.{1,2}(?:\/|$)/;

/**
 * Refuses (400 `validation`) every request target that is not a plain path with an optional
 * query: the absolute form (`POST http://host/reservations`) or `*`, a fragment
 * (`/reservations#x`: express routes `/reservations`, a stage reading the raw target does not),
 * and the odd path spellings above. What passes is read the same way by the allow-list, every
 * stage (the queue-token gate included) and the proxy, which forwards it unchanged.
 */
export function originFormOnly(): RequestHandler {
  return (req, _res, next) => {
    const target = req.url;
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    if (!target.startsWith('/')) {
      next(validationProblem('the request target must be a path (origin form), not an absolute URL'));
      return;
    }
    if (target.includes('#')) {
      next(validationProblem('the request target must not carry a fragment (#)'));
      return;
    }
    if (!PLAIN_PATH.test(path) || DOT_SEGMENT.test(path)) {
      next(
        validationProblem(
          'the request path must be plain segments of letters, digits, "-", ".", "_" or "~" (no percent-encoding, ";", "\\", "//" or dot segments)',
        ),
      );
      return;
    }
    next();
  };
}
