import {
  notFoundProblem,
  parseParams,
  requireRole,
  type Config,
  type EventStore,
  type Logger,
  type Projection,
  type RedisClient,
} from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { invalidateCache } from '../runner/invalidate-cache.js';
import { listParked, retryParked } from './parked-events.js';
import { projectorStatus } from './projection-status.js';

export interface OpsRoutesDeps {
  config: Pick<Config, 'EVENTSTORE' | 'NATS_STREAM'>;
  knex: Knex;
  eventStore: EventStore;
  redis: RedisClient;
  projections: readonly Projection[];
  logger: Logger;
}

/** Parked events listed with the status; the oldest first, as `parked list` shows them. */
const PARKED_SHOWN = 100;

const retryParams = z.object({ id: z.coerce.number().int().positive() });

/**
 * On the projectors process's own port, admin only (the ops console reaches them through the
 * gateway's GET /admin/console/snapshot and POST /admin/console/parked/{id}/retry):
 *   GET /admin/projections -> 200 {projections: [{projector, lagEvents, lagSeconds, parked, ...}], parked: [...]}
 *   POST /admin/parked/{id}/retry -> 200 {id, projection, outcome: applied|failed, error?}; 404 not-found.
 * The same functions as `npm run projections -- status | parked list | parked retry`.
 */
export function opsRoutes(app: Express, deps: OpsRoutesDeps): void {
  const admin = requireRole('admin');
  app.get('/admin/projections', admin, async (_req, res) => {
    const [projections, parked] = await Promise.all([
      projectorStatus(deps.config, deps.knex, deps.eventStore, deps.projections),
      listParked(deps.knex),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ projections, parked: parked.slice(0, PARKED_SHOWN), parkedTotal: parked.length });
  });

  app.post('/admin/parked/:id/retry', admin, async (req, res) => {
    const { id } = parseParams(retryParams, req);
    const exists = await deps
      .knex('parked_events')
      .first('id')
      .where({ id: String(id) });
    if (exists === undefined) throw notFoundProblem(`no parked event with id ${id}`);
    const result = await retryParked(deps.knex, deps.projections, id);
    if (result.outcome === 'applied') {
      await invalidateCache(deps.redis, result.staleCacheKeys, deps.logger);
      res.status(200).json({ id, projection: result.projection, outcome: 'applied' });
      return;
    }
    res.status(200).json(result);
  });
}
