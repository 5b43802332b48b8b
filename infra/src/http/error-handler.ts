import { isDomainError } from '@concert/domain';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { WrongExpectedVersion } from '../event-store/errors.js';
import { clientErrorProblem } from './client-error-problem.js';
import { notFoundProblem, unavailableProblem } from './common-problems.js';
import { isDependencyUnavailable } from './dependency-unavailable.js';
import { domainProblem, type CodeToStatus } from './domain-problem.js';
import { HttpProblem, isHttpProblem, sendProblem } from './problem.js';

export interface ErrorHandlerOptions {
  /** The service's statuses for domain codes, over DEFAULT_CODE_TO_STATUS. */
  codeToStatus?: CodeToStatus;
  /** Used when the request has no `req.log` (requestContext not installed). */
  logger?: Logger;
}

/**
 * The last middleware: the one place where a thrown error becomes an HTTP answer. Only an
 * error nobody anticipated yields a 500, so a 500 in the logs always means a bug to fix.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const log = requestLogger(req, options.logger);
    if (res.headersSent) {
      // Too late for a problem body; express's final handler destroys the half-sent response.
      log?.error({ err: error }, 'error after the response started');
      next(error);
      return;
    }
    sendProblem(res, toProblem(error, options.codeToStatus, log));
  };
}

/** The answer to a thrown error (a plain handler that answers without express uses it too). */
export function toProblem(
  error: unknown,
  codeToStatus: CodeToStatus | undefined,
  log: Logger | undefined,
): HttpProblem {
  if (isHttpProblem(error)) return error;
  if (isDomainError(error)) return domainProblem(error, codeToStatus);
  const clientProblem = clientErrorProblem(error);
  if (clientProblem) return clientProblem;
  if (error instanceof WrongExpectedVersion) {
    // Retries ran out against other writers of the same stream: the client may simply retry.
    return new HttpProblem({
      status: 409,
      code: 'concurrent-update',
      detail: 'the resource changed concurrently; retry',
      retryAfterSeconds: 1,
    });
  }
  if (isDependencyUnavailable(error)) {
    log?.warn({ err: error }, 'dependency unavailable');
    return unavailableProblem('a backing service is unavailable; retry shortly');
  }
  log?.error({ err: error }, 'unhandled error');
  return new HttpProblem({ status: 500, code: 'internal', detail: 'an unexpected error occurred' });
}

/** Answers any request no route matched, before the error handler. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(notFoundProblem(`no route for ${req.method} ${req.path.slice(0, 200)}`));
  };
}

function requestLogger(req: Request, fallback: Logger | undefined): Logger | undefined {
  return Object.hasOwn(req, 'log') ? req.log : fallback;
}
