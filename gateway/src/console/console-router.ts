import { unavailableProblem, parseParams } from '@concert/infra';
import { Router } from 'express';
import { z } from 'zod';
import type { ConsoleSnapshot } from './console-snapshot.js';

const retryParams = z.object({ id: z.coerce.number().int().positive() });
const FORWARD_TIMEOUT_MS = 10_000;

/**
 * The ops console's data (admin role, checked by the allow-list):
 *   GET /admin/console/snapshot -> 200 ConsoleSnapshot (console-snapshot.ts)
 *   POST /admin/console/parked/{id}/retry -> the projectors process's POST /admin/parked/{id}/retry
 *     (200 {outcome: applied|failed}, 404), forwarded with the caller's token; 503 when no projectors process answers.
 */
export function consoleRouter(
  snapshot: (authorization: string) => Promise<ConsoleSnapshot>,
  projectorsUrls: readonly string[],
): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.get('/admin/console/snapshot', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(await snapshot(req.headers.authorization ?? ''));
  });
  router.post('/admin/console/parked/:id/retry', async (req, res) => {
    const { id } = parseParams(retryParams, req);
    for (const url of projectorsUrls) {
      try {
        const answer = await fetch(`${url}/admin/parked/${id}/retry`, {
          method: 'POST',
          headers: { authorization: req.headers.authorization ?? '' },
          signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
        });
        res
          .status(answer.status)
          .type(answer.headers.get('content-type') ?? 'application/json')
          .send(await answer.text());
        return;
      } catch {
        // the next instance
      }
    }
    throw unavailableProblem('no projectors process answered');
  });
  return router;
}
