import { randomUUID } from 'node:crypto';
import { createConcertBody, parseBody, requireRole } from '@concert/infra';
import type { Express } from 'express';
import { createConcert } from './create-concert.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/**
 * POST /admin/concerts (admin) -> 201 {concertId}, Location: the concert's dates
 * (`GET /concerts/{concertId}/schedules`, the public read of one concert; `[]` until dates are added).
 */
export function createConcertRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/admin/concerts',
    requireRole('admin'),
    commandRoute(deps, 'create-concert', async (req, res) => {
      const body = parseBody(createConcertBody, req);
      const concertId = randomUUID();
      const { position } = await createConcert(commandContext(deps, res), { concertId, ...body });
      setConsistencyToken(res, position);
      res.status(201).location(`/concerts/${concertId}/schedules`).json({ concertId });
    }),
  );
}
