import { categoryOf, formatPosition, isHttpProblem, requestIdOf, authOf, type GlobalPosition } from '@concert/infra';
import { isDomainError } from '@concert/domain';
import type { Request, RequestHandler, Response } from 'express';
import type { CommandContext } from './command-context.js';
import type { CommandApiDeps } from './command-api-deps.js';

/** The command context of a request: its id is the correlation id, its user the caller. */
export function commandContext(deps: CommandApiDeps, res: Response): CommandContext {
  const auth = res.locals.auth === undefined ? undefined : authOf(res);
  return {
    store: deps.store,
    now: deps.now,
    correlationId: requestIdOf(res),
    ...(deps.locks ? { locks: deps.locks } : {}),
    paymentLock: deps.paymentLock,
    ...(auth ? { userId: auth.userId } : {}),
    onConflictRetry: (streamId) => deps.metrics.conflictRetries.inc({ category: categoryOf(streamId) }),
  };
}

/** Commands answer with the global position of their last event, for read-your-writes queries. */
export function setConsistencyToken(res: Response, position: GlobalPosition | undefined): void {
  if (position) res.setHeader('X-Consistency-Token', formatPosition(position));
}

/** Wraps a command handler: counts its outcome by name (ok, or the refusal code). */
export function commandRoute(
  deps: CommandApiDeps,
  command: string,
  handler: (req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
      deps.metrics.outcomes.inc({ command, outcome: 'ok' });
    } catch (error) {
      const outcome = isDomainError(error) ? error.code : isHttpProblem(error) ? error.code : 'error';
      deps.metrics.outcomes.inc({ command, outcome });
      throw error;
    }
  };
}
