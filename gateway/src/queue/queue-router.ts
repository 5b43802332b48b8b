import { entityIdSchema } from '@concert/domain';
import { authOf, forbiddenProblem, parseBody, parseParams, type QueueEntry } from '@concert/infra';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Caller } from './concert-lookup.js';
import { entryView, setPollPace } from './entry-view.js';
import type { QueueOptions } from './queue-options.js';
import { notFound } from './queue-problems.js';
import { concertLookupOf, queueTokensOf, waitingRoomOf } from './waiting-room-of.js';

const entryBody = z.object({ concertId: entityIdSchema }).strict();
const entryParams = z.object({ entryId: z.string().min(1).max(128) });

/**
 * POST /queue/entries {concertId} -> 202 {entryId, status, position, estimatedWaitSeconds}
 *   (the same user and concert always get the same entry); 404 concert-not-found.
 * GET /queue/entries/{entryId} (owner) -> 200 {status, position, peopleAhead,
 *   estimatedWaitSeconds, queueToken?, expiresAt?}; 403, 404 entry-not-found.
 * POST /queue/entries/{entryId}/leave (owner) -> 200 the entry, now COMPLETED: an admitted
 *   fan's slot goes to the next in line at once, a waiting fan's place is given up. Leaving an
 *   entry already over changes nothing and answers its status.
 * A WAITING entry's answer carries Retry-After: when to poll again (see entry-view.ts).
 * GET is also answered by the poll fast path (poll-fast-path.ts), in front of express, the same way.
 * Behind authentication, after the JSON body parser.
 */
export function queueRouter(options: QueueOptions): Router {
  const room = waitingRoomOf(options);
  const tokens = queueTokensOf(options);
  const lookup = concertLookupOf(options);
  const router = Router({ caseSensitive: true });

  router.post('/queue/entries', async (req, res) => {
    const { concertId } = parseBody(entryBody, req);
    const { userId } = authOf(res);
    if (!(await lookup.concertExists(concertId, callerOf(req, res))))
      throw notFound('concert-not-found', `no concert ${concertId}`);
    const entry = await room.enter(concertId, userId);
    setPollPace(res, entry);
    res.status(202).json({
      entryId: entry.entryId,
      status: entry.status,
      position: entry.position,
      estimatedWaitSeconds: entry.estimatedWaitSeconds,
    });
  });

  /** The caller's own entry with this id: 404 when unknown or no longer the user's current one, 403 for another's. */
  async function ownEntry(req: Request, res: Response): Promise<QueueEntry> {
    const { entryId } = parseParams(entryParams, req);
    const { userId } = authOf(res);
    const owner = await room.ownerOf(entryId);
    if (owner === undefined) throw notFound('entry-not-found', `no queue entry ${entryId}`);
    if (owner.userId !== userId) throw forbiddenProblem('this queue entry belongs to another user');
    const entry = await room.entryOf(owner.concertId, userId);
    if (entry === undefined || entry.entryId !== entryId)
      throw notFound('entry-not-found', `no queue entry ${entryId}`);
    return entry;
  }

  router.get('/queue/entries/:entryId', async (req, res) => {
    const entry = await ownEntry(req, res);
    setPollPace(res, entry);
    res.status(200).json(entryView(entry, tokens));
  });

  router.post('/queue/entries/:entryId/leave', async (req, res) => {
    const entry = await ownEntry(req, res);
    await room.leave(entry.concertId, entry.userId, entry.entryId);
    const after = await room.entryOf(entry.concertId, entry.userId);
    res.status(200).json(entryView(after?.entryId === entry.entryId ? after : entry, tokens));
  });

  return router;
}

export function callerOf(req: Request, res: Response): Caller {
  const requestId: unknown = res.locals.requestId;
  return {
    authorization: req.headers.authorization ?? '',
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}
