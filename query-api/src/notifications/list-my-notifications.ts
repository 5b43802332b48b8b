import { authOf, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import type { Cursor } from '../pagination/cursor.js';
import { pageOf, sendPage, type KeysetRow } from '../pagination/keyset-page.js';
import { microsOf, TIME_OF_MICROS } from '../pagination/keyset-sql.js';
import { pageQuerySchema } from '../pagination/page-query.js';
import type { QueryApiDeps } from '../query-api-deps.js';

export interface NotificationView {
  /** The id of the event it reports (at most one notification per event). */
  id: string;
  kind: string;
  reservationId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

interface NotificationItem extends KeysetRow {
  notification: NotificationView;
}

interface NotificationRow {
  event_id: string;
  kind: string;
  reservation_id: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  occurred_us: string;
}

/**
 * GET /me/notifications?limit&cursor -> 200 [notification], the caller's own, newest first;
 * the next page's cursor in X-Next-Cursor / Link. Written by the workers' notifier (when no
 * webhook is configured), not by a projection: no consistency token applies, nothing is cached.
 */
export function listMyNotificationsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/me/notifications', async (req, res) => {
    const { limit, cursor } = parseQuery(pageQuerySchema, req);
    const userId = authOf(res).userId;
    const items = await deps.reader.read({
      projections: [],
      token: undefined,
      load: (db) => loadNotifications(db, userId, cursor, limit + 1),
    });
    sendPage(req, res, pageOf(items ?? [], limit), limit, (item) => item.notification);
  });
}

/** Walks notifications_by_user (user_id, occurred_at DESC, event_id) in index order. */
async function loadNotifications(
  db: Knex,
  userId: string,
  before: Cursor | undefined,
  count: number,
): Promise<NotificationItem[]> {
  const query = db('notifications')
    .select<NotificationRow[]>([
      'event_id',
      'kind',
      'reservation_id',
      'occurred_at',
      'payload',
      microsOf(db, 'occurred_at', 'occurred_us'),
    ])
    .where({ user_id: userId })
    .orderBy([
      { column: 'occurred_at', order: 'desc' },
      { column: 'event_id', order: 'asc' },
    ])
    .limit(count);
  if (before !== undefined) {
    // Mixed directions rule out a row comparison: older, or as old with a greater id.
    query.whereRaw(`(occurred_at < ${TIME_OF_MICROS} OR (occurred_at = ${TIME_OF_MICROS} AND event_id > ?))`, [
      before.atMicros,
      before.atMicros,
      before.id,
    ]);
  }
  const rows = await query;
  return rows.map((row) => ({
    notification: {
      id: row.event_id,
      kind: row.kind,
      reservationId: row.reservation_id,
      occurredAt: row.occurred_at.toISOString(),
      payload: row.payload,
    },
    cursor: { atMicros: row.occurred_us, id: row.event_id },
  }));
}
