import { instantSchema } from '@concert/domain';
import { z } from 'zod';

const MINUTE_MS = 60_000;
export const DEFAULT_STATS_RANGE_MS = 24 * 60 * MINUTE_MS;
/** At most 7 days of minutes (10,080 rows) per request: enough for a sales week, bounded work. */
export const MAX_STATS_RANGE_MS = 7 * DEFAULT_STATS_RANGE_MS;

/** The minutes a statistics request covers: those starting at or after `from` and before `to`. */
export interface StatsRange {
  from: Date;
  to: Date;
}

/** A bare date (midnight UTC, as the events CLI takes it) or a date-time with Z or an offset. */
const rangeBound = z.union([z.iso.date(), instantSchema]);

/**
 * `?from=&to=` (a date such as 2026-12-03, or ISO-8601 with an offset; encode `+` as `%2B`). `to` defaults to now and `from`
 * to 24 h before `to`; `from` is rounded down to its minute, so the minute it falls in is
 * included. `from` must be before `to` and the range at most 7 days: 400 `validation` otherwise.
 */
export const statsRangeQuery = z.object({ from: rangeBound.optional(), to: rangeBound.optional() }).strict();

export const statsRangeQuerySchema = statsRangeQuery.transform((query, ctx): StatsRange => {
  const to = query.to === undefined ? new Date() : new Date(query.to);
  const requestedFrom = query.from === undefined ? to.getTime() - DEFAULT_STATS_RANGE_MS : Date.parse(query.from);
  const from = new Date(Math.floor(requestedFrom / MINUTE_MS) * MINUTE_MS);
  if (from.getTime() >= to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  } else if (to.getTime() - from.getTime() > MAX_STATS_RANGE_MS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range may span at most 7 days' });
  }
  return { from, to };
});

const counters = {
  holds: z.number().int(),
  seatsHeld: z.number().int(),
  expiries: z.number().int(),
  cancellations: z.number().int(),
  confirmations: z.number().int(),
  seatsSold: z.number().int(),
  revenue: z.number().int(),
  holdsConfirmed: z.number().int(),
  conversion: z.number().nullable(),
  medianHoldToConfirmMs: z.number().nullable(),
};

/** The answer of GET /admin/stats/schedules/{id} and /admin/stats/concerts/{id} (the latter adds `schedules`). */
export const statsView = z.object({
  concertId: z.string(),
  scheduleId: z.string().optional(),
  from: z.string(),
  to: z.string(),
  totals: z.object(counters),
  minutes: z.array(z.object({ minute: z.string(), ...counters })),
  schedules: z.array(z.object({ scheduleId: z.string(), totals: z.object(counters) })).optional(),
});

/** One item of GET /me/notifications (written by the workers' notifier). */
export const notificationView = z.object({
  id: z.string().describe('the id of the event it reports: at most one notification per event'),
  kind: z.string(),
  reservationId: z.string(),
  occurredAt: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
