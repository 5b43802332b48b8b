import type { ServerResponse } from 'node:http';
import type { QueueEntry, QueueTokens } from '@concert/infra';

/** A queue entry as GET /queue/entries/{entryId} answers it (the router and the poll fast path). */

/** The longest a waiting fan is asked to wait between two polls. */
const MAX_POLL_SECONDS = 30;

/**
 * When a waiting fan should poll again: half the estimated wait, at least 1 s and at most
 * MAX_POLL_SECONDS. Fans near the front poll often enough to act soon after admission; the
 * crowd far back polls rarely, so the poll rate grows with the admission rate, not with the
 * length of the line.
 */
function pollAfterSeconds(estimatedWaitSeconds: number): number {
  return Math.min(MAX_POLL_SECONDS, Math.max(1, Math.ceil(estimatedWaitSeconds / 2)));
}

export function setPollPace(res: ServerResponse, entry: QueueEntry): void {
  if (entry.status === 'WAITING') res.setHeader('Retry-After', String(pollAfterSeconds(entry.estimatedWaitSeconds)));
}

export function entryView(entry: QueueEntry, tokens: QueueTokens): Record<string, unknown> {
  const view = {
    entryId: entry.entryId,
    status: entry.status,
    position: entry.position,
    peopleAhead: entry.peopleAhead,
    estimatedWaitSeconds: entry.estimatedWaitSeconds,
  };
  if (entry.status !== 'ADMITTED' || entry.admittedUntil === undefined) return view;
  const queueToken = tokens.sign({
    userId: entry.userId,
    concertId: entry.concertId,
    entryId: entry.entryId,
    expiresAt: entry.admittedUntil,
  });
  // The token's `exp` is in whole seconds: the time shown is the one the token really ends at.
  return { ...view, queueToken, expiresAt: new Date(Math.floor(entry.admittedUntil / 1000) * 1000).toISOString() };
}
