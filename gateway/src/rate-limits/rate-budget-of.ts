import type { Request } from 'express';

/** The two budgets (docs/architecture.md, 'Rate limits'): waiting-room status polling, and commands (every write). */
export type BudgetName = 'polls' | 'commands';

const POLL = /^\/queue\/entries\/[^/]+\/?$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Express answers HEAD with the GET route: a HEAD costs what a GET does. */
const READS = new Set(['GET', 'HEAD']);

/** Which budget a request spends; undefined for reads that are not limited (catalog, own data). */
export function rateBudgetOf(req: Request): BudgetName | undefined {
  if (READS.has(req.method) && POLL.test(req.path)) return 'polls';
  if (WRITES.has(req.method)) return 'commands';
  return undefined;
}
