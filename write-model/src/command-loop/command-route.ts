import { categoryOf, formatPosition, isHttpProblem, requestIdOf, authOf, type GlobalPosition } from '@concert/infra';
import { isDomainError } from '@concert/domain';
import type { Request, RequestHandler, Response } from 'express';
import type { CommandContext } from './command-context.js';
import type { CommandApiDeps } from './command-api-deps.js';

/** The command context of a request: its id is the correlation id, its user the caller. */
export function commandContext(deps: CommandApiDeps, res: Response): CommandContext {
  const auth = res.locals.auth === undefined ? undefined : authOf(res);
  return commandContextFor(deps, requestIdOf(res), auth?.userId);
}

/** The command context of a request with this id, by this user (if any). */
export function commandContextFor(deps: CommandApiDeps, requestId: string, userId: string | undefined): CommandContext {
  return {
    store: deps.store,
    now: deps.now,
    correlationId: requestId,
    ...(deps.locks ? { locks: deps.locks } : {}),
    paymentLock: deps.paymentLock,
    ...(userId === undefined ? {} : { userId }),
    onConflictRetry: (streamId) => deps.metrics.conflictRetries.inc({ category: categoryOf(streamId) }),
  };
}

/** Commands answer with the global position of their last event, for read-your-writes queries. */
export function setConsistencyToken(res: Response, position: GlobalPosition | undefined): void {
  res.set(consistencyTokenHeader(position));
}

/** The header that carries the consistency token (none when nothing was appended). */
export function consistencyTokenHeader(position: GlobalPosition | undefined): Record<string, string> {
  return position ? { 'X-Consistency-Token': formatPosition(position) } : {};
}

/** Wraps a command handler: counts its outcome by name (ok, or the refusal code). */
export function commandRoute(
  deps: CommandApiDeps,
  command: string,
  handler: (req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return (req, res) => countedOutcome(deps, command, handler(req, res));
}

/** The command's outcome, counted by name (ok, or the refusal code); the outcome itself passes through. */
export async function countedOutcome<T>(deps: CommandApiDeps, command: string, running: Promise<T>): Promise<T> {
  try {
    const value = await running;
    deps.metrics.outcomes.inc({ command, outcome: 'ok' });
    return value;
  } catch (error) {
    const outcome = isDomainError(error) ? error.code : isHttpProblem(error) ? error.code : 'error';
    deps.metrics.outcomes.inc({ command, outcome });
    throw error;
  }
}
