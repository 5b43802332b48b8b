import { entityIdSchema } from '@concert/domain';
import { parseParams, parseQuery, requireRole } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { notFound } from '../query-problems.js';
import { loadStats } from './load-stats.js';
import { statsRangeQuerySchema } from '@concert/infra';

const paramsSchema = z.object({ scheduleId: entityIdSchema });

/**
 * GET /admin/stats/schedules/{scheduleId}?from=&to= (admin) -> 200 {scheduleId, concertId,
 * from, to, totals, minutes: [{minute, ...}]}; 403 forbidden, 400 validation, 404 schedule-not-found.
 */
export function scheduleStatsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/admin/stats/schedules/:scheduleId', requireRole('admin'), async (req, res) => {
    const { scheduleId } = parseParams(paramsSchema, req);
    const range = parseQuery(statsRangeQuerySchema, req);
    const stats = await deps.reader.read({
      projections: [PROJECTIONS.statistics],
      token: consistencyTokenOf(req),
      load: async (db) => {
        const schedule = await db('rm_stats_schedules')
          .first<{ concert_id: string } | undefined>('concert_id')
          .where({ schedule_id: scheduleId });
        if (schedule === undefined) return undefined;
        const { minutes, totals } = await loadStats(db, [scheduleId], range);
        return { concertId: schedule.concert_id, totals, minutes };
      },
    });
    if (stats === undefined) throw notFound('schedule-not-found', `no schedule ${scheduleId}`);
    res.status(200).json({
      scheduleId,
      concertId: stats.concertId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      totals: stats.totals,
      minutes: stats.minutes,
    });
  });
}
