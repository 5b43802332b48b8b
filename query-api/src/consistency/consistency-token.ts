import { parsePosition, validationProblem, type GlobalPosition } from '@concert/infra';
import type { Request } from 'express';

const HEADER = 'x-consistency-token';

/**
 * The position a command returned in X-Consistency-Token (`<commit>.<prepare>`), or
 * undefined without the header. A malformed token is the client's bug: 400, not a silent
 * eventually-consistent answer that would look like a lost write.
 */
export function consistencyTokenOf(req: Request): GlobalPosition | undefined {
  const header = req.headers[HEADER];
  if (header === undefined) return undefined;
  const position = typeof header === 'string' ? parsePosition(header.trim()) : undefined;
  if (position === undefined) {
    throw validationProblem('the X-Consistency-Token header is invalid', [
      { path: HEADER, message: 'expected the token a command returned: <commit>.<prepare>' },
    ]);
  }
  return position;
}
