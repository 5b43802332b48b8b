import { randomUUID } from 'node:crypto';
import { createConcert, parseBody, requireRole } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import type { CommandApiDeps } from '../command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-route.js';

export const createConcertBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    venue: z.string().trim().min(1).max(200),
  })
  .strict();

/** POST /admin/concerts (admin) -> 201 {concertId} */
export function createConcertRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/admin/concerts',
    requireRole('admin'),
    commandRoute(deps, 'create-concert', async (req, res) => {
      const body = parseBody(createConcertBody, req);
      const concertId = randomUUID();
      const { position } = await createConcert(commandContext(deps, res), { concertId, ...body });
      setConsistencyToken(res, position);
      res.status(201).location(`/concerts/${concertId}`).json({ concertId });
    }),
  );
}
