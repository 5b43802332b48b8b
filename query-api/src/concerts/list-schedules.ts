import { cacheKeys, concertIdParams, listSchedulesQuery, parseParams, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { notFound } from '../query-problems.js';
import { isoOf } from '../row-values.js';

interface ScheduleView {
  scheduleId: string;
  startsAt: string;
  totalSeats: number;
  availableSeats: number;
}

interface ScheduleRow {
  schedule_id: string;
  starts_at: Date;
  total_seats: number;
  available_seats: number;
}

/**
 * GET /concerts/{concertId}/schedules[?all=true] -> 200 [{scheduleId, startsAt, totalSeats,
 * availableSeats}] by date; without `all`, only dates with seats left. 404 concert-not-found.
 *
 * The cache holds every date and the sold-out filter runs here, so both variants share the
 * one key the projectors invalidate.
 */
export function listSchedulesRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/concerts/:concertId/schedules', async (req, res) => {
    const { concertId } = parseParams(concertIdParams, req);
    const { all } = parseQuery(listSchedulesQuery, req);
    const schedules = await deps.reader.read({
      projections: [PROJECTIONS.catalog],
      token: consistencyTokenOf(req),
      cache: { name: 'schedules', key: cacheKeys.concertSchedules(concertId) },
      load: (db) => loadSchedules(db, concertId),
    });
    if (schedules === undefined) throw notFound('concert-not-found', `no concert ${concertId}`);
    res.status(200).json(all ? schedules : schedules.filter((schedule) => schedule.availableSeats > 0));
  });
}

async function loadSchedules(db: Knex, concertId: string): Promise<ScheduleView[] | undefined> {
  const concert = await db('rm_concerts').first('concert_id').where({ concert_id: concertId });
  if (concert === undefined) return undefined;
  const rows = await db('rm_schedules')
    .select<ScheduleRow[]>('schedule_id', 'starts_at', 'total_seats', 'available_seats')
    .where({ concert_id: concertId })
    .orderBy([{ column: 'starts_at' }, { column: 'schedule_id' }]);
  return rows.map((row) => ({
    scheduleId: row.schedule_id,
    startsAt: isoOf(row.starts_at),
    totalSeats: row.total_seats,
    availableSeats: row.available_seats,
  }));
}
