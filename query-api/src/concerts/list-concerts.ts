import { cacheKeys, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import type { Cursor } from '../pagination/cursor.js';
import { pageOf, sendPage, type KeysetRow } from '../pagination/keyset-page.js';
import { microsOf, TIME_OF_MICROS } from '../pagination/keyset-sql.js';
import { MAX_PAGE_LIMIT, pageQuerySchema } from '../pagination/page-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';

interface ConcertItem extends KeysetRow {
  concertId: string;
  title: string;
  venue: string;
}

interface ConcertRow {
  concert_id: string;
  title: string;
  venue: string;
  created_us: string;
}

/**
 * GET /concerts?limit&cursor -> 200 [{concertId, title, venue}], oldest first; the next
 * page's cursor in X-Next-Cursor / Link.
 *
 * The first page is what a spike asks for, so it alone is cached, as one block of the
 * largest page whatever the limit: a cache keyed by client-chosen cursors could be grown
 * without bound, and deeper pages are cheap keyset reads anyway.
 */
export function listConcertsRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/concerts', async (req, res) => {
    const { limit, cursor } = parseQuery(pageQuerySchema, req);
    const firstPage = cursor === undefined;
    const rows = await deps.reader.read({
      projections: [PROJECTIONS.catalog],
      token: consistencyTokenOf(req),
      cache: firstPage ? { name: 'concerts', key: cacheKeys.concertList() } : undefined,
      load: (db) => loadConcerts(db, cursor, (firstPage ? MAX_PAGE_LIMIT : limit) + 1),
    });
    sendPage(req, res, pageOf(rows ?? [], limit), limit, ({ concertId, title, venue }) => ({
      concertId,
      title,
      venue,
    }));
  });
}

async function loadConcerts(db: Knex, after: Cursor | undefined, count: number): Promise<ConcertItem[]> {
  const query = db('rm_concerts')
    .select<ConcertRow[]>('concert_id', 'title', 'venue', microsOf(db, 'created_at', 'created_us'))
    .orderBy([{ column: 'created_at' }, { column: 'concert_id' }])
    .limit(count);
  if (after !== undefined)
    query.whereRaw(`(created_at, concert_id) > (${TIME_OF_MICROS}, ?)`, [after.atMicros, after.id]);
  const rows = await query;
  return rows.map((row) => ({
    concertId: row.concert_id,
    title: row.title,
    venue: row.venue,
    cursor: { atMicros: row.created_us, id: row.concert_id },
  }));
}
