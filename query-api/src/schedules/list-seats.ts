import { entityIdSchema } from '@concert/domain';
import { cacheKeys, parseParams, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { noQuerySchema } from '../no-query.js';
import { notFound } from '../query-problems.js';
import { sendCachedJson } from '../reading/send-cached-json.js';
import { amountOf } from '../row-values.js';

type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

interface SeatView {
  seatId: string;
  grade: string;
  price: number;
  status: SeatStatus;
}

interface SeatRow {
  seat_id: string;
  grade: string;
  price: string;
  status: SeatStatus;
}

const paramsSchema = z.object({ scheduleId: entityIdSchema });

// Seat labels read the way a venue numbers them: A-2 before A-10.
const seatOrder = new Intl.Collator('en', { numeric: true });

/** GET /schedules/{scheduleId}/seats -> 200 [{seatId, grade, price, status}]; 404 schedule-not-found. */
export function listSeatsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/schedules/:scheduleId/seats', async (req, res) => {
    const { scheduleId } = parseParams(paramsSchema, req);
    parseQuery(noQuerySchema, req);
    const seats = await deps.reader.readJson({
      projections: [PROJECTIONS.catalog],
      token: consistencyTokenOf(req),
      cache: { name: 'seats', key: cacheKeys.scheduleSeats(scheduleId) },
      load: (db) => loadSeats(db, scheduleId),
    });
    if (seats === undefined) throw notFound('schedule-not-found', `no schedule ${scheduleId}`);
    sendCachedJson(req, res, seats);
  });
}

async function loadSeats(db: Knex, scheduleId: string): Promise<SeatView[] | undefined> {
  const schedule = await db('rm_schedules').first('schedule_id').where({ schedule_id: scheduleId });
  if (schedule === undefined) return undefined;
  const rows = await db('rm_seats')
    .select<SeatRow[]>('seat_id', 'grade', db.raw('price::text AS price'), 'status')
    .where({ schedule_id: scheduleId });
  return rows
    .map((row) => ({ seatId: row.seat_id, grade: row.grade, price: amountOf(row.price), status: row.status }))
    .sort((a, b) => seatOrder.compare(a.seatId, b.seatId));
}
