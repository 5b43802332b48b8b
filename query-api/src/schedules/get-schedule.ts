import { entityIdSchema } from '@concert/domain';
import { parseParams, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { noQuerySchema } from '../no-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { notFound } from '../query-problems.js';
import { isoOf } from '../row-values.js';

interface ScheduleView {
  scheduleId: string;
  concertId: string;
  startsAt: string;
  totalSeats: number;
  availableSeats: number;
}

interface ScheduleRow {
  schedule_id: string;
  concert_id: string;
  starts_at: Date;
  total_seats: number;
  available_seats: number;
}

const paramsSchema = z.object({ scheduleId: entityIdSchema });

/**
 * GET /schedules/{scheduleId} -> 200 {scheduleId, concertId, startsAt, totalSeats, availableSeats};
 * 404 schedule-not-found. The gateway finds a hold's concert this way (to check its queue token).
 * Not cached: one indexed row, and the projectors would have one more key to invalidate.
 */
export function getScheduleRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/schedules/:scheduleId', async (req, res) => {
    const { scheduleId } = parseParams(paramsSchema, req);
    parseQuery(noQuerySchema, req);
    const schedule = await deps.reader.read({
      projections: [PROJECTIONS.catalog],
      token: consistencyTokenOf(req),
      load: (db) => loadSchedule(db, scheduleId),
    });
    if (schedule === undefined) throw notFound('schedule-not-found', `no schedule ${scheduleId}`);
    res.status(200).json(schedule);
  });
}

async function loadSchedule(db: Knex, scheduleId: string): Promise<ScheduleView | undefined> {
  const row = await db('rm_schedules')
    .first<ScheduleRow | undefined>('schedule_id', 'concert_id', 'starts_at', 'total_seats', 'available_seats')
    .where({ schedule_id: scheduleId });
  if (row === undefined) return undefined;
  return {
    scheduleId: row.schedule_id,
    concertId: row.concert_id,
    startsAt: isoOf(row.starts_at),
    totalSeats: row.total_seats,
    availableSeats: row.available_seats,
  };
}
