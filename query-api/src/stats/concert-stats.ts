import { entityIdSchema } from '@concert/domain';
import { parseParams, parseQuery, requireRole } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { notFound } from '../query-problems.js';
import { loadStats, type MinuteStats } from './load-stats.js';
import type { StatsRange } from '@concert/infra';
import { statsRangeQuerySchema } from '@concert/infra';
import { statsViewOf, type StatsView } from './stats-view.js';

const paramsSchema = z.object({ concertId: entityIdSchema });

interface ConcertStats {
  totals: StatsView;
  minutes: MinuteStats[];
  schedules: { scheduleId: string; totals: StatsView }[];
}

/**
 * GET /admin/stats/concerts/{concertId}?from=&to= (admin) -> 200 {concertId, from, to, totals,
 * minutes: [{minute, ...}] (summed over its schedules), schedules: [{scheduleId, totals}]};
 * 403 forbidden, 400 validation, 404 concert-not-found.
 */
export function concertStatsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/admin/stats/concerts/:concertId', requireRole('admin'), async (req, res) => {
    const { concertId } = parseParams(paramsSchema, req);
    const range = parseQuery(statsRangeQuerySchema, req);
    const stats = await deps.reader.read({
      projections: [PROJECTIONS.statistics],
      token: consistencyTokenOf(req),
      load: (db) => loadConcertStats(db, concertId, range),
    });
    if (stats === undefined) throw notFound('concert-not-found', `no concert ${concertId}`);
    res.status(200).json({ concertId, from: range.from.toISOString(), to: range.to.toISOString(), ...stats });
  });
}

async function loadConcertStats(db: Knex, concertId: string, range: StatsRange): Promise<ConcertStats | undefined> {
  const concert = await db('rm_stats_concerts').first('concert_id').where({ concert_id: concertId });
  if (concert === undefined) return undefined;
  const scheduleIds = (
    await db('rm_stats_schedules')
      .select<{ schedule_id: string }[]>('schedule_id')
      .where({ concert_id: concertId })
      .orderBy('schedule_id')
  ).map((row) => row.schedule_id);
  const { minutes, totals, bySchedule } = await loadStats(db, scheduleIds, range);
  return {
    totals,
    minutes,
    // Every schedule of the concert, with zeros for one without activity in the range.
    schedules: scheduleIds.map((scheduleId) => ({
      scheduleId,
      totals: bySchedule.get(scheduleId) ?? statsViewOf(undefined, null),
    })),
  };
}
