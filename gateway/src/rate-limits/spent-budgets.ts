import type { IncomingMessage } from 'node:http';
import type { RateDecision } from '@concert/infra';

const spent = new WeakMap<IncomingMessage, readonly RateDecision[]>();

/**
 * The poll fast path spent this request's budgets (in the order rateSpendsOf gives) and then
 * handed the request to express (a refusal it does not render itself): the rate-limit
 * middleware takes these decisions instead of spending the budgets a second time.
 */
export function markBudgetsSpent(req: IncomingMessage, decisions: readonly RateDecision[]): void {
  spent.set(req, decisions);
}

/** The decisions markBudgetsSpent left for this request, once; undefined when none. */
export function takeSpentBudgets(req: IncomingMessage): readonly RateDecision[] | undefined {
  const decisions = spent.get(req);
  if (decisions !== undefined) spent.delete(req);
  return decisions;
}
